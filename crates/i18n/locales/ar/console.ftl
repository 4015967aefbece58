# وحدة تحكم الخبراء: صفحاتها وإعلاناتها ونصها البرمجي.
# العناصر النائبة كما في الملف الإنجليزي (locales/en/console.ftl).

## إطار الصفحة

console-title = { $page } · وحدة تحكم Lifeline
skip-to-main = انتقل إلى المحتوى الرئيسي
nav-label = القائمة الرئيسية
nav-queue = قائمة الانتظار
nav-new-case = طلب جديد
nav-settings = البريد الإلكتروني
nav-experts = الخبراء
nav-groups = المجموعات
nav-deployments = عمليات النشر
nav-tokens = رموز واجهة البرمجة
nav-webhooks = خطافات الويب
nav-reports = التقارير
nav-audit = سجل التدقيق
notify-permission = تشغيل الإشعارات
availability-available = متاح
availability-away = غير متاح
availability-go-away = تعيين كغير متاح
availability-become-available = تعيين كمتاح
sign-out = تسجيل الخروج
none = —

## تسجيل الدخول

sign-in-title = تسجيل الدخول
sign-in-heading = سجّل الدخول إلى قائمة انتظار الخدمة
sign-in-email = البريد الإلكتروني
sign-in-password = كلمة المرور
sign-in-button = تسجيل الدخول
sign-in-bad-email = أدخل عنوان البريد الإلكتروني الذي تسجّل الدخول به.
sign-in-wrong-length = البريد الإلكتروني أو كلمة المرور غير صحيحة (تتكوّن كلمات المرور من { $min } إلى { $max } حرفًا).
sign-in-wrong = البريد الإلكتروني أو كلمة المرور غير صحيحة.
sign-in-slowed = محاولات تسجيل دخول فاشلة كثيرة لهذا العنوان. حاول مرة أخرى بعد { $duration }.

## المدد الزمنية

duration-seconds = { $seconds } ث
duration-minutes = { $minutes } د
duration-hours = { $hours } س { $minutes } د

## حالات الطلبات والقنوات

state-new = جديد
state-pending = معلّق
state-in_progress = قيد المعالجة
state-closed = مغلق
state-expired = منتهي الصلاحية
channel-sos = زر الاستغاثة
channel-app = التطبيق
channel-manual = يدوي
channel-api = واجهة البرمجة
yes = نعم
no = لا
unassigned = غير مُسند

## قائمة الانتظار

queue-title = قائمة الانتظار
queue-heading = قائمة انتظار الخدمة
queue-filters = عوامل التصفية
queue-filter-state = الحالة
queue-filter-group = المجموعة
queue-filter-all-groups = كل مجموعاتي
queue-filter-assigned = المُسندة إلى
queue-filter-button = تصفية
filter-state-open = المفتوحة
filter-state-new = الجديدة
filter-state-pending = المعلّقة
filter-state-in_progress = قيد المعالجة
filter-state-closed = المغلقة
filter-state-expired = المنتهية الصلاحية
filter-state-all = الكل
filter-assignee-any = أي شخص
filter-assignee-me = أنا
filter-assignee-none = غير المُسندة
queue-news-added = طلب جديد { $code }، { $state }.
queue-news-changed = الطلب { $code } أصبح الآن { $state }.
queue-news-removed = خرج الطلب { $code } من هذه القائمة.
queue-caption = الطلبات، الأقدم أولًا
queue-col-code = الرمز
queue-col-customer = العميل
queue-col-description = الوصف
queue-col-channel = القناة
queue-col-state = الحالة
queue-col-assignee = المسؤول
queue-col-waiting = الانتظار
queue-col-time-left = الوقت المتبقي
queue-empty = لا توجد طلبات مطابقة.

## طلب

case-title = الطلب { $code }
case-heading = الطلب
case-news-changed = تم تحديث الطلب: { $what }
case-details = التفاصيل
case-group = المجموعة
case-channel = القناة
case-customer = العميل
case-email = البريد الإلكتروني
case-description = الوصف
case-assignee = المسؤول
case-expert-connected = الخبير متصل
case-customer-connected = العميل متصل
case-queue-position = الترتيب في قائمة الانتظار
case-created = تاريخ الإنشاء
case-expires = تنتهي في
case-closed = تاريخ الإغلاق
case-closed-by = { $at } بواسطة { $name }
case-device = الجهاز
case-hostname = اسم الجهاز
case-os = نظام التشغيل
case-app-version = إصدار التطبيق
case-locale = الإعدادات المحلية
case-locale-named = { $language } ({ $locale })
case-session = الجلسة
case-session-not-connected = غير متصل.
case-connect = اتصال
case-leave = مغادرة
case-screen-not-shared = شاشة العميل غير مشتركة.
case-view-screen = عرض الشاشة
case-request-control = طلب التحكم
case-stop-screen = إيقاف
case-screen-label = شاشة العميل
case-chat = المحادثة
case-chat-message = الرسالة
case-chat-placeholder = اكتب إلى العميل
case-chat-send = إرسال
case-actions = الإجراءات
case-assign-to-me = أسندها إليّ
case-assign-to = إسناد إلى
case-assign = إسناد
case-unassign = إلغاء الإسناد
case-close-confirm = هل تريد إغلاق هذا الطلب؟
case-close = إغلاق الطلب
case-final = هذا الطلب { $state }؛ لا يمكن فعل أي شيء آخر به.
case-history = السجل

## طلب جديد

new-case-title = طلب جديد
new-case-heading = طلب يدوي جديد
new-case-intro = أنشئ طلبًا لعميل على الهاتف، ثم اقرأ له الرمز: سيُدخله في التطبيق.
new-case-group = المجموعة
new-case-customer-name = اسم العميل (اختياري)
new-case-customer-email = البريد الإلكتروني للعميل (اختياري)
new-case-description = الوصف (اختياري)
new-case-create = إنشاء الطلب
case-created-title = تم إنشاء الطلب
case-created-heading = اقرأ هذا الرمز للعميل
case-created-code-label = رمز الجلسة { $code }
case-created-how = يفتح العميل التطبيق، ويختار «هل لديك رمز من الخبير؟» ثم يكتبه.
case-created-lapse = الرمز صالح لمدة { $duration }. إذا لم ينضم أحد قبل ذلك تنتهي صلاحية الطلب؛ أنشئ طلبًا جديدًا.
case-created-open = فتح الطلب

## الإعدادات: البريد الإلكتروني واللغة

settings-title = البريد الإلكتروني
settings-heading = البريد الإلكتروني
settings-email-off = لا يرسل هذا الخادم بريدًا إلكترونيًا بعد: يضبط المسؤول smtp_url في إعداداته. يُحفظ اختيارك إلى ذلك الحين.
settings-saved = تم الحفظ.
settings-email-intro = إضافةً إلى تنبيهات وحدة التحكم، أرسل بريدًا إلكترونيًا إلى { $email } عندما:
settings-email-queued = ينتظر طلب في إحدى مجموعاتي ولا يوجد أحد متاح
settings-email-assigned = يُسند إليّ طلب
settings-email-overdue = ينتظر عميل في إحدى مجموعاتي أطول من وقت التنبيه الخاص بالمجموعة
settings-save = حفظ
settings-email-note = يحتوي كل بريد على رابط للطلب في وحدة التحكم؛ ولا يتضمن أبدًا رمز جلسة العميل.
settings-language-heading = اللغة
settings-language-label = لغة وحدة التحكم ورسائلي الإلكترونية
settings-language-browser = حسب طلب المتصفح
settings-language-save = حفظ اللغة
settings-language-saved = تم حفظ اللغة.
settings-language-invalid = وحدة التحكم لا تتحدث «{ $language }»؛ اختر إحدى اللغات المدرجة.

## الأخطاء

page-error-not-found = غير موجود
page-error-forbidden = غير مسموح
page-error-conflict = لا يمكن فعل ذلك الآن
page-error-slow-down = تمهّل
page-error-internal = حدث خطأ ما
page-error-refused = لا يمكن فعل ذلك
page-error-back = رجوع
page-error-csrf = هذا النموذج قديم أو لم يأتِ من وحدة التحكم (فشل التحقق من CSRF)؛ أعد تحميل الصفحة وحاول مرة أخرى.
page-error-admins-only = هذه الصفحة مخصصة للمسؤولين.
page-error-wait = محاولات كثيرة جدًا في وقت قصير. يُرجى المحاولة مرة أخرى بعد { $seconds ->
        [zero] { $seconds } ثانية.
        [one] ثانية واحدة.
        [two] ثانيتين.
        [few] { $seconds } ثوانٍ.
        [many] { $seconds } ثانية.
       *[other] { $seconds } ثانية.
    }
page-error-gone = لم يعد هذا موجودًا، أو ليس لديك إذن برؤيته.
page-error-case-final = حالة هذا الطلب: { $state }، ولا يقبل أي تغيير بعد الآن.
page-error-email-taken = يوجد خبير بعنوان البريد الإلكتروني هذا بالفعل.
page-error-group-name-taken = توجد مجموعة بهذا الاسم بالفعل.
page-error-not-saved = لم يُحفظ شيء: تعذّر على الخادم كتابة التغيير الآن. يُرجى المحاولة مرة أخرى بعد قليل.
page-error-password-length = تتكون كلمة المرور من { $min } إلى { $max } حرفًا.
page-error-name-length = يتكون الاسم من 1 إلى 100 حرف.
page-error-field = يُرجى التحقق من «{ $field }»: هذه القيمة غير مقبولة.
page-error-own-standing = لا يمكنك تعطيل حسابك أو التخلي عن دور المسؤول الخاص بك؛ اطلب ذلك من مسؤول آخر.
page-error-not-your-group = يمكنك فتح طلبات في مجموعاتك فقط.
page-error-period-date = «{ $value }» ليس تاريخًا: يُرجى كتابته بالشكل YYYY-MM-DD.
page-error-period-backwards = تنتهي الفترة قبل أن تبدأ: يُرجى التحقق من التواريخ.
page-error-period-days = لا تتجاوز الفترة { $days } من الأيام؛ يُرجى اختيار فترة أقصر.
page-error-period-too-long = تضم الفترة أكثر من { $max } من الطلبات؛ يُرجى اختيار فترة أقصر.

## النص البرمجي لوحدة التحكم

script-state-new = { state-new }
script-state-pending = { state-pending }
script-state-in_progress = { state-in_progress }
script-state-closed = { state-closed }
script-state-expired = { state-expired }
script-yes = { yes }
script-no = { no }
script-sound-on = الصوت مفعّل
script-sound-off = الصوت متوقف
script-alert-new = طلب جديد في { $group }
script-alert-new-body = { $name } ينتظر؛ لم يتولَّ أحد الطلب.
script-alert-overdue = لا يزال ينتظر في { $group }
script-alert-overdue-seconds = انتظر { $name } أكثر من { $seconds ->
        [zero] { $seconds } ثانية
        [one] ثانية واحدة
        [two] ثانيتين
        [few] { $seconds } ثوانٍ
        [many] { $seconds } ثانية
       *[other] { $seconds } ثانية
    }.
script-alert-overdue-minutes = انتظر { $name } أكثر من { $minutes ->
        [zero] { $minutes } دقيقة
        [one] دقيقة واحدة
        [two] دقيقتين
        [few] { $minutes } دقائق
        [many] { $minutes } دقيقة
       *[other] { $minutes } دقيقة
    }.
script-alert-assigned = أُسند إليك طلب
script-alert-assigned-body = { $name } ({ $group })
script-session-in = في جلسة مع العميل.
script-session-waiting = متصل؛ في انتظار انضمام العميل.
script-session-not-connected = { case-session-not-connected }
script-session-lost = انقطع الاتصال؛ إعادة الاتصال خلال { $seconds } ث…
script-session-connecting = جارٍ الاتصال…
script-screen-not-shared = { case-screen-not-shared }
script-screen-other-expert = { $name } يعمل على شاشة العميل.
script-screen-another-expert = خبير آخر يعمل على شاشة العميل.
script-screen-waiting-share = في انتظار مشاركة العميل لشاشته…
script-screen-paused = أوقف العميل المشاركة مؤقتًا.
script-screen-waiting-control = في انتظار سماح العميل بالتحكم…
script-screen-control = أنت تتحكم في فأرة العميل ولوحة مفاتيحه. انقر على الصورة ثم اكتب.
script-screen-viewing = تعرض شاشة العميل (عرض فقط).
script-screen-ended = انتهت مشاركة الشاشة.

## الإدارة: الخبراء

experts-heading = الخبراء
experts-col-name = الاسم
experts-col-email = البريد الإلكتروني
experts-col-role = الدور
experts-col-status = الوضع
experts-col-groups = المجموعات
experts-col-change = تغيير
experts-deactivate = تعطيل
experts-activate = تفعيل
experts-make-expert = جعله خبيرًا
experts-make-admin = جعله مسؤولًا
experts-new-password-for = كلمة مرور جديدة لـ { $name }
experts-new-password-placeholder = كلمة مرور جديدة
experts-reset-password = إعادة تعيين كلمة المرور
experts-add-heading = إضافة خبير
experts-email = البريد الإلكتروني
experts-name = الاسم الظاهر للعملاء
experts-password = كلمة المرور (على الأقل { $min } حرفًا)
experts-group = المجموعة
experts-no-group = لا شيء بعد
experts-admin = مسؤول
experts-add = إضافة الخبير
role-admin = مسؤول
role-expert = خبير
expert-status-deactivated = معطّل
expert-status-available = متاح
expert-status-away = غير متاح

## الإدارة: المجموعات

groups-heading = المجموعات
groups-policy = الإسناد التلقائي
policy-off = متوقف: يتولى الخبراء الطلبات يدويًا
policy-round_robin = بالتناوب بين الخبراء المتاحين
policy-least_busy = الخبير المتاح الأقل انشغالًا
groups-save = حفظ
groups-alert = التنبيه عندما ينتظر العميل أكثر من (ثوانٍ)
groups-members = الأعضاء:
groups-no-members = لا أحد
groups-remove = إزالة
groups-add-member = إضافة عضو
groups-add = إضافة
groups-add-heading = إضافة مجموعة
groups-name = الاسم
groups-add-group = إضافة المجموعة

## الإدارة: عمليات النشر ورموز واجهة البرمجة

deployments-heading = عمليات النشر
deployments-intro = النشر هو ما يوزّعه قسم تقنية المعلومات مع تطبيق الاستغاثة: عنوان الخادم ومفتاح لا يمكنه إنشاء طلبات إلا في مجموعة واحدة.
deployments-col-name = الاسم
deployments-col-group = المجموعة
deployments-col-url = عنوان URL للخادم
col-created = تاريخ الإنشاء
col-status = الوضع
col-actions = الإجراءات
deployments-download = تنزيل ملف النشر
deployments-revoke-confirm = هل تريد إلغاء هذا النشر؟ لن تتمكن التطبيقات المثبّتة من طلب المساعدة بعد ذلك.
revoke = إلغاء
deployments-new-heading = نشر جديد
deployments-name = الاسم (وهو أيضًا اسم الشركة في التطبيق)
deployments-group = تصل الطلبات إلى المجموعة
deployments-url = عنوان URL للخادم الذي تستخدمه التطبيقات
deployments-create = إنشاء النشر
status-active = نشط
status-revoked = أُلغي في { $at }
deployment-created-title = تم إنشاء النشر
deployment-created-heading = تم إنشاء النشر «{ $name }»
deployment-created-key = يُعرض المفتاح هذه المرة فقط؛ وهو موجود أيضًا في ملف النشر أدناه، الذي يمكنك تنزيله مرة أخرى لاحقًا.
deployment-created-file = ملف النشر
deployment-created-ship = توزيعه
deployment-created-ship-how = إما أن تبني مثبّتات تحمل علامتك التجارية وتتضمن الملف، أو تثبّت الحزمة العامة وتضع الملف في الموقع المشترك للنظام، الذي تكون له الأولوية على الملف المضمَّن. احفظ الملف باسم deployment.toml؛ وتجد التفاصيل في docs/deploying.md في مستودع Lifeline.
deployment-created-back = العودة إلى عمليات النشر
tokens-heading = رموز واجهة البرمجة
tokens-intro = تتيح الرموز لأنظمة التكامل العمل كخبير عبر واجهة البرمجة. يُعرض الرمز الجديد مرة واحدة فقط.
tokens-col-expert = الخبير
tokens-new-heading = رمز جديد
tokens-for = للخبير
tokens-create = إنشاء الرمز

## الإدارة: خطافات الويب

webhooks-heading = خطافات الويب
webhooks-intro = كل تغيير في طلب تشترك فيه نقطة نهاية يُرسل إليها بطلب POST بصيغة JSON، موقّعًا كما تنص مواصفة Standard Webhooks (الترويسات webhook-id وwebhook-timestamp وwebhook-signature). يُعاد إرسال عمليات التسليم الفاشلة لمدة يوم بمعرّف الحدث نفسه؛ وتُعطَّل نقطة النهاية التي تفشل لمدة يوم.
webhooks-col-url = عنوان URL
webhooks-col-events = الأحداث
webhooks-deliveries = سجل التسليم
webhooks-disable = تعطيل
webhooks-enable = تفعيل
webhooks-delete-confirm = هل تريد حذف نقطة النهاية هذه وأحداثها غير المسلَّمة؟
webhooks-delete = حذف
webhooks-new-heading = نقطة نهاية جديدة
webhooks-url = عنوان URL (http:// أو https://)
webhooks-events = الأحداث
webhooks-add = إضافة نقطة النهاية
webhook-status-disabled = معطّلة
webhook-status-failing = تفشل منذ { $at }
webhook-status-enabled = مفعّلة
webhook-created-title = تمت إضافة خطاف الويب
webhook-created-heading = تمت إضافة نقطة النهاية
webhook-created-secret = تذهب الأحداث إلى { $url }. يُعرض سر التوقيع هذه المرة فقط: سلّمه إلى المستقبِل، الذي يتحقق به من webhook-signature في كل طلب.
webhooks-back = العودة إلى خطافات الويب
deliveries-title = عمليات تسليم خطاف الويب
deliveries-heading = عمليات التسليم إلى { $url }
deliveries-intro = أحدث الأحداث، الأحدث أولًا.
deliveries-col-event = الحدث
deliveries-col-type = النوع
deliveries-col-case = الطلب
deliveries-col-when = الوقت
deliveries-col-attempts = المحاولات
deliveries-col-outcome = النتيجة

## الإدارة: سجل التدقيق والتقارير

audit-heading = سجل التدقيق
audit-intro = عمليات تسجيل الدخول (والفاشلة منها) وكل تغيير على الخبراء والمجموعات ورموز واجهة البرمجة وعمليات النشر: من ومتى ومن أين. الأحدث أولًا.
audit-action = الإجراء
audit-any = الكل
show = عرض
audit-col-when = الوقت
audit-col-action = الإجراء
audit-col-who = من
audit-col-from = من أين
audit-col-what = ماذا
audit-col-detail = التفاصيل
audit-older = إدخالات أقدم
reports-heading = التقارير
reports-intro = الطلبات التي أُنشئت من { $from } إلى { $to } (أيام بتوقيت UTC، شاملة الطرفين): كم انتظر العملاء من طلبهم حتى إسنادهم إلى خبير، وحتى أول اتصال بخبير، وحتى الإغلاق. الوسيط والمئين التسعون (أقرب رتبة) على الطلبات التي بلغت تلك المرحلة.
reports-from = من
reports-to = إلى
reports-csv = تنزيل CSV
reports-empty = لا توجد طلبات في هذه الفترة.
reports-col-name = الاسم
reports-col-cases = الطلبات
reports-col-expired = المنتهية الصلاحية
reports-col-to-assign = حتى الإسناد
reports-col-to-connect = حتى أول اتصال
reports-col-to-close = حتى الإغلاق
reports-col-median = الوسيط
reports-col-p90 = المئين 90
reports-per-group = حسب المجموعة
reports-per-expert = حسب الخبير

## سجل الطلب

history-created = أُنشئ
history-assigned = أُسند
history-unassigned = أُلغي الإسناد
history-claimed = تولّاه
history-edited = عُدّل
history-joined = انضم
history-left = غادر
history-closed = أُغلق
history-expired = انتهت صلاحيته
history-screen_requested = طُلبت الشاشة
history-screen_shared = شوركت الشاشة
history-screen_declined = رُفضت مشاركة الشاشة
history-screen_paused = أُوقفت الشاشة مؤقتًا
history-screen_resumed = استُؤنفت الشاشة
history-screen_stopped = أُوقفت الشاشة
history-control_requested = طُلب التحكم
history-control_granted = مُنح التحكم
history-control_declined = رُفض التحكم
history-control_revoked = سُحب التحكم
history-by = بواسطة { $actor }
history-to-by = إلى { $assignee } بواسطة { $actor }
history-by-detail = بواسطة { $actor } — { $detail }

## الرسائل الإلكترونية: نص عادي، باللغة التي اختارها الخبير لوحدة التحكم

email-customer-unnamed = عميل
email-queued-subject = { $customer } ينتظر في { $group } ولا يوجد أحد متاح
email-assigned-subject = أُسند إليك طلب في { $group }: { $customer }
email-overdue-subject = انتظر { $customer } طويلًا جدًا في { $group }
email-waited = { $minutes ->
    [one] ينتظر منذ دقيقة واحدة.
    [two] ينتظر منذ دقيقتين.
    [few] ينتظر منذ { $minutes } دقائق.
   *[other] ينتظر منذ { $minutes } دقيقة.
}
email-open = افتح: { $link }
email-no-link = الطلب { $case } في قائمة انتظار وحدة التحكم (اضبط public_url للحصول على رابط)
email-why = اخترت هذه الرسالة في وحدة تحكم Lifeline (إعدادات البريد الإلكتروني).
email-webhook-subject = توقف Lifeline عن إرسال webhooks إلى { $url }
email-webhook-body = فشل كل تسليم إلى نقطة نهاية webhook { $url } طوال يوم، لذا عطّلها Lifeline ولن يضع لها شيئًا آخر في قائمة الانتظار.
email-webhook-enable = عندما يعمل المستقبِل من جديد، فعّل نقطة النهاية في { $page } (أو عبر POST /api/v1/webhooks/{ $id }/enable): يُرسل حينها ما كان في قائمة الانتظار قبل تعطيلها، بمعرّفات الأحداث الأصلية؛ ولا تُرسل إليها التغييرات التي تحدث أثناء تعطيلها.
email-webhook-page = صفحة Webhooks في وحدة التحكم
email-webhook-why = تصلك هذه الرسالة لأنك مسؤول في خادم Lifeline هذا.
