# デスクトップアプリ:ウィンドウ、トレイメニュー、通知、SOS ショートカット。
# 丁寧語（です・ます）で。日本語には複数形がないため、数の選択は不要です。

## タイトル、トレイ、ショートカット

window-title = { $company } — ヘルプ
window-title-sharing = ● 画面を共有中 — { $title }
tray-request = ヘルプを依頼
tray-show = 表示
tray-quit = 終了
tray-sharing = 画面を共有中です — ウィンドウを表示
shortcut-comment = { $company } にヘルプを依頼します

## 通知

notify-assigned-title = 担当者が決まりました
notify-assigned-body = まもなく { $name } がお手伝いします。
notify-connect-title = 担当者が接続を求めています
notify-connect-body = { $name } の準備ができました。ヘルプウィンドウを開いて参加してください。
notify-closed-title = ヘルプ依頼は終了しました
notify-closed-body = 担当者が依頼を終了しました。まだお困りの場合は、もう一度依頼してください。
notify-expired-title = ヘルプ依頼の期限が切れました
notify-expired-body = 期限内に対応が完了しませんでした。まだお困りの場合は、もう一度依頼してください。
notify-screen-title = 担当者が画面を見たいと求めています
notify-screen-body = { $name } が画面の表示を求めています。ヘルプウィンドウを開いて応答してください。
notify-control-title = 担当者がマウスとキーボードの操作を求めています
notify-control-body = { $name } がこのコンピューターの操作を求めています。ヘルプウィンドウを開いて応答してください。

## ウィンドウ

app-heading = { $company } のヘルプ
app-starting = 起動しています…
idle-intro = お困りですか？ヘルプを依頼すると、{ $company } の担当者からご連絡します。
idle-request = ヘルプを依頼
requesting = ヘルプを依頼しています…
code-label = セッションコード
code-hint = 担当者に聞かれたら、このコードを読み上げてください。
code-copy = コードをコピー
code-copied = コードをコピーしました
code-copy-failed = コピーできませんでした。コードを選択して手動でコピーしてください。
status-label = 状況
status-waiting-title = 担当者を待っています
status-waiting-next = 順番待ちの { $position } 番目です。まもなく担当者が対応します。その間も作業を続けられます。
status-waiting-next-unknown = 依頼は順番待ちに入っています。まもなく担当者が対応します。その間も作業を続けられます。
status-assigned-title = 担当者が決まりました
status-assigned-next = { $name } が依頼を担当し、まもなく接続します。
status-connect-title = 担当者が接続を求めています
status-connect-next = { $name } の準備ができました。準備ができたらセッションに参加してください。
status-in-session-title = セッション中
status-in-session-next = { $name } と接続しています。
status-closed-title = 依頼は終了しました
status-closed-next = この依頼は終了しました。まだお困りの場合は、もう一度依頼してください。
status-cancelled-next = この依頼を取り消しました。まだお困りの場合は、もう一度依頼してください。
status-expired-title = 依頼の期限が切れました
status-expired-next = 期限内に対応が完了しませんでした。まだお困りの場合は、もう一度依頼してください。
status-expert-unknown = 担当者
assignee-label = 担当者
description-label = どのようなことでお困りですか？（任意）
description-save = 説明を保存
description-saved = 説明を保存しました
cancel-button = 依頼を取り消す
cancel-question = ヘルプ依頼を取り消しますか？担当者には表示されなくなります。
cancel-yes = はい、取り消します
cancel-no = いいえ、このままにします
cancel-done = 依頼を取り消しました。
again-button = もう一度ヘルプを依頼
join-toggle = 担当者からコードを受け取りましたか？入力してください
join-label = セッションコード（9 桁）
join-submit = 参加
offline-unreachable = { $host } に接続できません — { $seconds } 秒後に再試行します
offline-rate-limited = { $host } が混み合っています — { $seconds } 秒後に再試行します
offline-server-error = { $host } で問題が発生しています — { $seconds } 秒後に再試行します
offline-now = { $host } に接続できません — 再試行しています…
broken-title = このアプリは正しく設定されていません
broken-body = 配布設定ファイルが見つからないか壊れているため、ヘルプを依頼できません。IT 部門に連絡し、このメッセージを見せてください:

## ライブセッションと画面

session-title = 担当者とのセッション
session-invite = { $name } が接続を求めています
session-join = 参加
session-not-now = 後で
session-start = 担当者とのセッションを開始
session-message-label = 担当者へのメッセージ
session-send = 送信
session-leave = セッションから退出
session-reconnecting = 接続が切れました — 再接続しています…
session-me = あなた
screen-request = { $name } が画面の表示を求めています（表示のみ）
screen-share = 共有
screen-not-now = 後で
screen-control-request = { $name } がマウスとキーボードの操作を求めています
screen-control-allow = 許可
screen-sharing = { $name } が画面を見ています
screen-paused = 画面共有を一時停止中:{ $name } には新しい画面は表示されません
screen-controlled = { $name } がマウスとキーボードを操作しています
screen-pause = 一時停止
screen-resume = 再開
screen-stop = 共有を停止
screen-take-back = 操作を取り戻す（Esc）
screen-unavailable = このシステムでは、画面共有はまだ利用できません。

## エラー

error-invalid-code = 9 桁のコードではありません。確認してもう一度お試しください。
error-not-found = そのコードの受付中の依頼はありません。担当者にコードを確認してください。
error-invalid-description = 説明が長すぎるか、使用できない文字が含まれています。
error-unreachable = ヘルプサーバーに接続できません。しばらくしてからもう一度お試しください。
error-rate-limited = 試行回数が多すぎます。しばらく待ってからもう一度お試しください。
error-unauthorized = ヘルプサーバーがこのアプリを拒否しました。IT 部門に連絡してください。
error-conflict = この依頼はすでに終了しています。
error-busy = 依頼はすでに送信中です。お待ちください。
error-no-case = 受付中の依頼はありません。
error-invalid-message = メッセージが空か、長すぎます。
error-no-session = セッションに参加していません。
error-validation = メッセージが空か、長すぎます。
error-screen-unavailable = このシステムでは、画面共有はまだ利用できません。
error-screen-lapsed = その要求は期限切れになりました。担当者がもう一度要求できます。
error-server-too-old = ヘルプサーバーがこのアプリに対して古すぎます。IT 部門に連絡してください:サーバーの更新が必要です。
error-server-too-new = このアプリはヘルプサーバーに対して古すぎます。IT 部門に連絡してください:アプリの更新が必要です。
error-forbidden = ヘルプサーバーがこの操作を許可していません。IT 部門に連絡してください。
error-payload-too-large = ヘルプサーバーに送るには長すぎます。短くしてもう一度お試しください。
error-internal = ヘルプサーバーで問題が発生しています。しばらくしてからもう一度お試しください。
error-refused = ヘルプサーバーが要求を拒否しました。しばらくしてからもう一度お試しください。繰り返し発生する場合は IT 部門に連絡してください。
error-state = このコンピューターにアプリのデータを保存できません（ディスクの空き容量が不足している可能性があります）。IT 部門に連絡してください。
error-screen-not-shared = 画面は共有されていません。
error-other = 問題が発生しました:{ $message }
