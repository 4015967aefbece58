# تطبيق سطح المكتب: النافذة وقائمة شريط المهام والإشعارات واختصار SOS.
# العربية الفصحى بصيغة الأمر المعتادة في الواجهات. يُعرض رمز الجلسة دائمًا من
# اليسار إلى اليمين، وتُعزل الأسماء اللاتينية تلقائيًا داخل النص.

## العنوان وشريط المهام والاختصار

window-title = { $company } — المساعدة
window-title-sharing = ● تتم مشاركة شاشتك — { $title }
tray-request = طلب المساعدة
tray-show = إظهار
tray-quit = إنهاء
tray-sharing = شاشتك قيد المشاركة — إظهار النافذة
shortcut-comment = اطلب المساعدة من { $company }

## الإشعارات

notify-assigned-title = تم تعيين خبير لمساعدتك
notify-assigned-body = سيساعدك { $name } قريبًا.
notify-connect-title = يريد الخبير الاتصال بك
notify-connect-body = { $name } جاهز لمساعدتك. افتح نافذة المساعدة للانضمام.
notify-closed-title = أُغلق طلب المساعدة
notify-closed-body = أغلق الخبير طلبك. اطلب المساعدة مرة أخرى إذا كنت لا تزال بحاجة إليها.
notify-expired-title = انتهت صلاحية طلب المساعدة
notify-expired-body = لم يُغلقه أحد في الوقت المحدد. اطلب المساعدة مرة أخرى إذا كنت لا تزال بحاجة إليها.
notify-screen-title = يريد الخبير رؤية شاشتك
notify-screen-body = يطلب { $name } رؤية شاشتك. افتح نافذة المساعدة للرد.
notify-control-title = يريد الخبير استخدام الماوس ولوحة المفاتيح
notify-control-body = يطلب { $name } التحكم في هذا الكمبيوتر. افتح نافذة المساعدة للرد.

## النافذة

app-heading = المساعدة من { $company }
app-starting = جارٍ البدء…
idle-intro = هل تحتاج إلى مساعدة؟ اطلب المساعدة وسيتواصل معك خبير من { $company }.
idle-request = اطلب المساعدة
requesting = جارٍ طلب المساعدة…
code-label = رمز الجلسة
code-hint = اقرأ هذا الرمز على الخبير إذا طلبه منك.
code-copy = نسخ الرمز
code-copied = تم نسخ الرمز
code-copy-failed = تعذّر النسخ. حدّد الرمز وانسخه بنفسك.
status-label = الحالة
status-waiting-title = في انتظار خبير
status-waiting-next = ترتيبك { $position } في قائمة الانتظار. سيتولى خبير طلبك قريبًا، ويمكنك متابعة عملك في هذه الأثناء.
status-waiting-next-unknown = طلبك في قائمة الانتظار. سيتولاه خبير قريبًا، ويمكنك متابعة عملك في هذه الأثناء.
status-assigned-title = تم تعيين خبير
status-assigned-next = يتولى { $name } طلبك وسيتصل بك قريبًا.
status-connect-title = يريد الخبير الاتصال بك
status-connect-next = { $name } جاهز. انضم إلى الجلسة عندما تكون مستعدًا.
status-in-session-title = في جلسة
status-in-session-next = أنت متصل مع { $name }.
status-closed-title = الطلب مغلق
status-closed-next = هذا الطلب مغلق. إذا كنت لا تزال بحاجة إلى المساعدة، فاطلبها مرة أخرى.
status-cancelled-next = لقد ألغيت هذا الطلب. إذا كنت لا تزال بحاجة إلى المساعدة، فاطلبها مرة أخرى.
status-expired-title = انتهت صلاحية الطلب
status-expired-next = لم يُغلق أحد هذا الطلب في الوقت المحدد. إذا كنت لا تزال بحاجة إلى المساعدة، فاطلبها مرة أخرى.
status-expert-unknown = الخبير
assignee-label = الخبير المسؤول
description-label = بمَ تحتاج إلى المساعدة؟ (اختياري)
description-save = حفظ الوصف
description-saved = تم حفظ الوصف
cancel-button = إلغاء الطلب
cancel-question = هل تريد إلغاء طلب المساعدة؟ لن يراه الخبراء بعد ذلك.
cancel-yes = نعم، ألغِه
cancel-no = لا، أبقِه
cancel-done = تم إلغاء طلبك.
again-button = اطلب المساعدة مرة أخرى
join-toggle = هل لديك رمز من الخبير؟ أدخله
join-label = رمز الجلسة (9 أرقام)
join-submit = انضمام
offline-unreachable = تعذّر الوصول إلى { $host } — إعادة المحاولة خلال { $seconds ->
        [zero] { $seconds } ثانية
        [one] ثانية واحدة
        [two] ثانيتين
        [few] { $seconds } ثوانٍ
        [many] { $seconds } ثانية
       *[other] { $seconds } ثانية
    }
offline-rate-limited = { $host } مشغول — إعادة المحاولة خلال { $seconds ->
        [zero] { $seconds } ثانية
        [one] ثانية واحدة
        [two] ثانيتين
        [few] { $seconds } ثوانٍ
        [many] { $seconds } ثانية
       *[other] { $seconds } ثانية
    }
offline-server-error = يواجه { $host } مشكلة — إعادة المحاولة خلال { $seconds ->
        [zero] { $seconds } ثانية
        [one] ثانية واحدة
        [two] ثانيتين
        [few] { $seconds } ثوانٍ
        [many] { $seconds } ثانية
       *[other] { $seconds } ثانية
    }
offline-now = تعذّر الوصول إلى { $host } — جارٍ إعادة المحاولة الآن…
broken-title = هذا التطبيق غير مُعدّ بشكل صحيح
broken-body = لا يمكنه طلب المساعدة لأن ملف النشر الخاص به مفقود أو تالف. يُرجى إبلاغ قسم تقنية المعلومات وإطلاعهم على هذه الرسالة:

## الجلسة المباشرة والشاشة

session-title = جلسة مع الخبير
session-invite = يريد { $name } الاتصال بك
session-join = انضمام
session-not-now = ليس الآن
session-start = بدء جلسة مع الخبير
session-message-label = رسالة إلى الخبير
session-send = إرسال
session-leave = مغادرة الجلسة
session-reconnecting = انقطع الاتصال — جارٍ إعادة الاتصال…
session-me = أنت
screen-request = يريد { $name } رؤية شاشتك (عرض فقط)
screen-share = مشاركة
screen-not-now = ليس الآن
screen-control-request = يريد { $name } استخدام الماوس ولوحة المفاتيح
screen-control-allow = سماح
screen-sharing = يرى { $name } شاشتك
screen-paused = المشاركة متوقفة مؤقتًا: لا يرى { $name } أي جديد
screen-controlled = يستخدم { $name } الماوس ولوحة المفاتيح
screen-pause = إيقاف مؤقت
screen-resume = استئناف
screen-stop = إيقاف المشاركة
screen-take-back = استعادة التحكم (Esc)
screen-unavailable = مشاركة الشاشة غير متاحة على هذا النظام بعد.

## الأخطاء

error-invalid-code = هذا ليس رمزًا من 9 أرقام. تحقق منه وحاول مرة أخرى.
error-not-found = لا يوجد طلب مفتوح بهذا الرمز. تحقق منه مع الخبير.
error-invalid-description = الوصف طويل جدًا أو يحتوي على أحرف غير مسموح بها.
error-unreachable = تعذّر الوصول إلى خادم المساعدة. حاول مرة أخرى بعد قليل.
error-rate-limited = محاولات كثيرة جدًا. انتظر قليلًا ثم حاول مرة أخرى.
error-unauthorized = رفض خادم المساعدة هذا التطبيق. يُرجى إبلاغ قسم تقنية المعلومات.
error-conflict = هذا الطلب مغلق بالفعل.
error-busy = هناك طلب قيد الإرسال بالفعل. يُرجى الانتظار.
error-no-case = لا يوجد طلب مفتوح.
error-invalid-message = الرسالة فارغة أو طويلة جدًا.
error-no-session = أنت لست في جلسة.
error-validation = الرسالة فارغة أو طويلة جدًا.
error-screen-unavailable = مشاركة الشاشة غير متاحة على هذا النظام بعد.
error-screen-lapsed = انتهت صلاحية هذا الطلب. يمكن للخبير أن يطلب مرة أخرى.
error-server-too-old = خادم المساعدة قديم بالنسبة إلى هذا التطبيق. يُرجى إبلاغ قسم تقنية المعلومات: يجب تحديث الخادم.
error-server-too-new = هذا التطبيق قديم بالنسبة إلى خادم المساعدة. يُرجى إبلاغ قسم تقنية المعلومات: يجب تحديث التطبيق.
error-forbidden = لا يسمح خادم المساعدة بهذا. يُرجى إبلاغ قسم تقنية المعلومات.
error-payload-too-large = هذا طويل جدًا بالنسبة إلى خادم المساعدة. اختصره وحاول مرة أخرى.
error-internal = يواجه خادم المساعدة مشكلة. حاول مرة أخرى بعد قليل.
error-refused = رفض خادم المساعدة الطلب. حاول مرة أخرى بعد قليل، وإذا تكرر ذلك فأبلغ قسم تقنية المعلومات.
error-state = لا يستطيع التطبيق حفظ بياناته على هذا الكمبيوتر (هل القرص ممتلئ؟). يُرجى إبلاغ قسم تقنية المعلومات.
error-screen-not-shared = شاشتك غير مشاركة حاليًا.
error-other = حدث خطأ ما: { $message }
