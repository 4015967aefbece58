# エキスパートコンソール:ページ、読み上げ、スクリプトの文言。
# プレースホルダーは英語ファイル(locales/en/console.ftl)と同じです。

## ページの枠

console-title = { $page } · Lifeline コンソール
skip-to-main = メインコンテンツへスキップ
nav-label = メイン
nav-queue = キュー
nav-new-case = 新しいケース
nav-settings = メール
nav-experts = エキスパート
nav-groups = グループ
nav-deployments = 配布設定
nav-tokens = API トークン
nav-webhooks = Webhook
nav-reports = レポート
nav-audit = 監査ログ
notify-permission = 通知をオンにする
availability-available = 対応可能
availability-away = 離席中
availability-go-away = 離席にする
availability-become-available = 対応可能にする
sign-out = サインアウト
none = —

## サインイン

sign-in-title = サインイン
sign-in-heading = サービスキューにサインイン
sign-in-email = メールアドレス
sign-in-password = パスワード
sign-in-button = サインイン
sign-in-bad-email = サインインに使うメールアドレスを入力してください。
sign-in-wrong-length = メールアドレスまたはパスワードが違います(パスワードは { $min }~{ $max } 文字です)。
sign-in-wrong = メールアドレスまたはパスワードが違います。
sign-in-slowed = このアドレスでのサインインの失敗が多すぎます。{ $duration } 後にもう一度お試しください。

## 時間の長さ

duration-seconds = { $seconds } 秒
duration-minutes = { $minutes } 分
duration-hours = { $hours } 時間 { $minutes } 分

## ケースの状態とチャネル

state-new = 新規
state-pending = 保留中
state-in_progress = 対応中
state-closed = 完了
state-expired = 期限切れ
channel-sos = SOS ボタン
channel-app = アプリ
channel-manual = 手動
channel-api = API
yes = はい
no = いいえ
unassigned = 未割り当て

## キュー

queue-title = キュー
queue-heading = サービスキュー
queue-filters = 絞り込み
queue-filter-state = 状態
queue-filter-group = グループ
queue-filter-all-groups = 自分のすべてのグループ
queue-filter-assigned = 担当
queue-filter-button = 絞り込む
filter-state-open = 未完了
filter-state-new = 新規
filter-state-pending = 保留中
filter-state-in_progress = 対応中
filter-state-closed = 完了
filter-state-expired = 期限切れ
filter-state-all = すべて
filter-assignee-any = 誰でも
filter-assignee-me = 自分
filter-assignee-none = 未割り当て
queue-news-added = 新しいケース { $code }、{ $state }。
queue-news-changed = ケース { $code } は { $state } になりました。
queue-news-removed = ケース { $code } はこの一覧から外れました。
queue-caption = ケース(古い順)
queue-col-code = コード
queue-col-customer = お客様
queue-col-description = 内容
queue-col-channel = チャネル
queue-col-state = 状態
queue-col-assignee = 担当者
queue-col-waiting = 待ち時間
queue-col-time-left = 残り時間
queue-empty = 該当するケースはありません。

## ケース

case-title = ケース { $code }
case-heading = ケース
case-news-changed = ケースが更新されました:{ $what }
case-details = 詳細
case-group = グループ
case-channel = チャネル
case-customer = お客様
case-email = メールアドレス
case-description = 内容
case-assignee = 担当者
case-expert-connected = エキスパート接続中
case-customer-connected = お客様接続中
case-queue-position = キュー内の順番
case-created = 作成日時
case-expires = 期限
case-closed = 完了日時
case-closed-by = { $at }({ $name })
case-device = デバイス
case-hostname = ホスト名
case-os = OS
case-app-version = アプリのバージョン
case-locale = ロケール
case-locale-named = { $language }({ $locale })
case-session = セッション
case-session-not-connected = 接続していません。
case-connect = 接続
case-leave = 退出
case-screen-not-shared = お客様の画面は共有されていません。
case-view-screen = 画面を見る
case-request-control = 操作を依頼
case-stop-screen = 停止
case-screen-label = お客様の画面
case-chat = チャット
case-chat-message = メッセージ
case-chat-placeholder = お客様へのメッセージ
case-chat-send = 送信
case-actions = 操作
case-assign-to-me = 自分に割り当て
case-assign-to = 割り当て先
case-assign = 割り当て
case-unassign = 割り当てを解除
case-close-confirm = このケースを完了にしますか?
case-close = ケースを完了
case-final = このケースは{ $state }です。これ以上の操作はできません。
case-history = 履歴

## 新しいケース

new-case-title = 新しいケース
new-case-heading = 新しい手動ケース
new-case-intro = 電話中のお客様のためにケースを作成し、コードを読み上げてください。お客様はアプリにそのコードを入力します。
new-case-group = グループ
new-case-customer-name = お客様の名前(任意)
new-case-customer-email = お客様のメールアドレス(任意)
new-case-description = 内容(任意)
new-case-create = ケースを作成
case-created-title = ケースを作成しました
case-created-heading = このコードをお客様に読み上げてください
case-created-code-label = セッションコード { $code }
case-created-how = お客様はアプリを開き、「エキスパートからコードを受け取りましたか?」を選んで入力します。
case-created-lapse = コードの有効期間は { $duration } です。それまでに誰も参加しなければケースは期限切れになります。その場合は新しく作成してください。
case-created-open = ケースを開く

## 設定:メールと言語

settings-title = メール
settings-heading = メール
settings-email-off = このサーバーはまだメールを送信しません。管理者が設定で smtp_url を指定します。選択内容はそれまで保存されます。
settings-saved = 保存しました。
settings-email-intro = コンソールの通知に加えて、次の場合に { $email } へメールを送信します:
settings-email-queued = 自分のグループでケースが待機していて、対応可能な人がいないとき
settings-email-assigned = ケースが自分に割り当てられたとき
settings-email-overdue = 自分のグループのお客様がグループの通知時間より長く待っているとき
settings-save = 保存
settings-email-note = 各メールにはコンソールのケースへのリンクが含まれます。お客様のセッションコードは含まれません。
settings-language-heading = 言語
settings-language-label = コンソールの言語
settings-language-browser = ブラウザーの設定に従う
settings-language-save = 言語を保存
settings-language-saved = 言語を保存しました。
settings-language-invalid = コンソールは「{ $language }」に対応していません。一覧の言語から選んでください。

## エラー

page-error-not-found = 見つかりません
page-error-forbidden = 許可されていません
page-error-conflict = 今はできません
page-error-slow-down = しばらくお待ちください
page-error-internal = 問題が発生しました
page-error-refused = できません
page-error-back = 戻る
page-error-csrf = このフォームは古いか、コンソールから送信されたものではありません(CSRF チェックに失敗しました)。ページを再読み込みして、もう一度お試しください。
page-error-admins-only = このページは管理者専用です。

## コンソールのスクリプト

script-state-new = { state-new }
script-state-pending = { state-pending }
script-state-in_progress = { state-in_progress }
script-state-closed = { state-closed }
script-state-expired = { state-expired }
script-yes = { yes }
script-no = { no }
script-sound-on = 音声オン
script-sound-off = 音声オフ
script-alert-new = { $group } に新しいケース
script-alert-new-body = { $name } さんが待っています。まだ誰も担当していません。
script-alert-overdue = { $group } でまだ待機中
script-alert-overdue-seconds = { $name } さんは { $seconds } 秒以上待っています。
script-alert-overdue-minutes = { $name } さんは { $minutes } 分以上待っています。
script-alert-assigned = ケースが割り当てられました
script-alert-assigned-body = { $name }({ $group })
script-session-in = お客様とセッション中です。
script-session-waiting = 接続しました。お客様の参加を待っています。
script-session-not-connected = { case-session-not-connected }
script-session-lost = 接続が切れました。{ $seconds } 秒後に再接続します…
script-session-connecting = 接続中…
script-screen-not-shared = { case-screen-not-shared }
script-screen-other-expert = { $name } さんがお客様の画面で作業中です。
script-screen-another-expert = 別のエキスパートがお客様の画面で作業中です。
script-screen-waiting-share = お客様が画面を共有するのを待っています…
script-screen-paused = お客様が共有を一時停止しました。
script-screen-waiting-control = お客様が操作を許可するのを待っています…
script-screen-control = お客様のマウスとキーボードを操作しています。画像をクリックしてから入力してください。
script-screen-viewing = お客様の画面を表示中です(表示のみ)。
script-screen-ended = 画面共有が終了しました。
