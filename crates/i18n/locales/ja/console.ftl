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
settings-language-label = コンソールとメールの言語
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
page-error-wait = 短時間に試行が多すぎます。{ $seconds } 秒後にもう一度お試しください。
page-error-gone = すでに存在しないか、表示する権限がありません。
page-error-case-final = このケースは{ $state }のため、これ以上変更できません。
page-error-email-taken = このメールアドレスのエキスパートはすでに登録されています。
page-error-group-name-taken = この名前のグループはすでにあります。
page-error-not-saved = 何も保存されていません。サーバーが今は変更を書き込めませんでした。しばらくしてからもう一度お試しください。
page-error-password-length = パスワードは{ $min }～{ $max }文字です。
page-error-name-length = 名前は1～100文字です。
page-error-field = 「{ $field }」を確認してください。この値は受け付けられません。
page-error-own-standing = 自分自身を無効にしたり、自分の管理者権限を外したりすることはできません。別の管理者に依頼してください。
page-error-not-your-group = ケースを作成できるのは、自分が所属するグループだけです。
page-error-period-date = 「{ $value }」は日付ではありません。YYYY-MM-DD の形式で入力してください。
page-error-period-backwards = 期間の終了日が開始日より前です。日付を確認してください。
page-error-period-days = 期間は最長 { $days } 日です。もっと短い期間を選んでください。
page-error-period-too-long = この期間には{ $max }件を超えるケースがあります。もっと短い期間を選んでください。

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

## 管理:エキスパート

experts-heading = エキスパート
experts-col-name = 名前
experts-col-email = メールアドレス
experts-col-role = 役割
experts-col-status = 状態
experts-col-groups = グループ
experts-col-change = 変更
experts-deactivate = 無効にする
experts-activate = 有効にする
experts-make-expert = エキスパートにする
experts-make-admin = 管理者にする
experts-new-password-for = { $name } の新しいパスワード
experts-new-password-placeholder = 新しいパスワード
experts-reset-password = パスワードを再設定
experts-add-heading = エキスパートを追加
experts-email = メールアドレス
experts-name = お客様に表示される名前
experts-password = パスワード({ $min } 文字以上)
experts-group = グループ
experts-no-group = まだなし
experts-admin = 管理者
experts-add = エキスパートを追加
role-admin = 管理者
role-expert = エキスパート
expert-status-deactivated = 無効
expert-status-available = 対応可能
expert-status-away = 離席中

## 管理:グループ

groups-heading = グループ
groups-policy = 自動割り当て
policy-off = オフ:エキスパートが手動でケースを取る
policy-round_robin = 対応可能なエキスパートに順番に割り当て
policy-least_busy = 最も手の空いている対応可能なエキスパート
groups-save = 保存
groups-alert = お客様の待ち時間がこれを超えたら通知(秒)
groups-members = メンバー:
groups-no-members = なし
groups-remove = 外す
groups-add-member = メンバーを追加
groups-add = 追加
groups-add-heading = グループを追加
groups-name = 名前
groups-add-group = グループを追加

## 管理:配布設定と API トークン

deployments-heading = 配布設定
deployments-intro = 配布設定は、IT 部門が SOS アプリと一緒に配るものです。サーバーのアドレスと、1 つのグループにだけケースを作成できるキーが含まれます。
deployments-col-name = 名前
deployments-col-group = グループ
deployments-col-url = サーバー URL
col-created = 作成日時
col-status = 状態
col-actions = 操作
deployments-download = 配布ファイルをダウンロード
deployments-revoke-confirm = この配布設定を取り消しますか?インストール済みのアプリはヘルプを依頼できなくなります。
revoke = 取り消す
deployments-new-heading = 新しい配布設定
deployments-name = 名前(アプリ内の会社名にもなります)
deployments-group = ケースの送り先グループ
deployments-url = アプリが使うサーバー URL
deployments-create = 配布設定を作成
status-active = 有効
status-revoked = { $at } に取り消し
deployment-created-title = 配布設定を作成しました
deployment-created-heading = 配布設定「{ $name }」を作成しました
deployment-created-key = キーが表示されるのは今回だけです。下の配布ファイルにも含まれており、後でもう一度ダウンロードできます。
deployment-created-file = 配布ファイル
deployment-created-ship = 配布する
deployment-created-ship-how = ファイルを含む独自のインストーラーを作成するか、汎用パッケージをインストールしてファイルをシステム共通の場所に置いてください。システム共通の場所のファイルが同梱のものより優先されます。ファイルは deployment.toml という名前で保存してください。詳細は Lifeline リポジトリの docs/deploying.md にあります。
deployment-created-back = 配布設定に戻る
tokens-heading = API トークン
tokens-intro = トークンを使うと、連携サービスが API を通じてエキスパートとして操作できます。新しいトークンは一度だけ表示されます。
tokens-col-expert = エキスパート
tokens-new-heading = 新しいトークン
tokens-for = 対象のエキスパート
tokens-create = トークンを作成

## 管理:Webhook

webhooks-heading = Webhook
webhooks-intro = エンドポイントが購読しているケースの変更は、Standard Webhooks 仕様どおりに署名された JSON として POST されます(ヘッダー webhook-id、webhook-timestamp、webhook-signature)。失敗した配信は同じイベント ID で 1 日間再試行され、1 日失敗し続けたエンドポイントは無効になります。
webhooks-col-url = URL
webhooks-col-events = イベント
webhooks-deliveries = 配信ログ
webhooks-disable = 無効にする
webhooks-enable = 有効にする
webhooks-delete-confirm = このエンドポイントと未配信のイベントを削除しますか?
webhooks-delete = 削除
webhooks-new-heading = 新しいエンドポイント
webhooks-url = URL(http:// または https://)
webhooks-events = イベント
webhooks-add = エンドポイントを追加
webhook-status-disabled = 無効
webhook-status-failing = { $at } から失敗中
webhook-status-enabled = 有効
webhook-created-title = Webhook を追加しました
webhook-created-heading = エンドポイントを追加しました
webhook-created-secret = イベントは { $url } に送られます。署名用シークレットが表示されるのは今回だけです。受信側に渡してください。受信側はこれで各リクエストの webhook-signature を検証します。
webhooks-back = Webhook に戻る
deliveries-title = Webhook の配信
deliveries-heading = { $url } への配信
deliveries-intro = 最新のイベント(新しい順)。
deliveries-col-event = イベント
deliveries-col-type = 種類
deliveries-col-case = ケース
deliveries-col-when = 日時
deliveries-col-attempts = 試行回数
deliveries-col-outcome = 結果

## 管理:監査ログとレポート

audit-heading = 監査ログ
audit-intro = サインイン(失敗したものも含む)と、エキスパート・グループ・API トークン・配布設定へのすべての変更:誰が、いつ、どこから。新しい順。
audit-action = 操作
audit-any = すべて
show = 表示
audit-col-when = 日時
audit-col-action = 操作
audit-col-who = 実行者
audit-col-from = 送信元
audit-col-what = 対象
audit-col-detail = 詳細
audit-older = 古いエントリー
reports-heading = レポート
reports-intro = { $from } から { $to } までに作成されたケース(UTC の日付、両端を含む):お客様が依頼してから、エキスパートに割り当てられるまで、エキスパートと初めて接続するまで、完了するまでの待ち時間。そこまで進んだケースの中央値と 90 パーセンタイル(最近順位法)。
reports-from = 開始日
reports-to = 終了日
reports-csv = CSV をダウンロード
reports-empty = この期間のケースはありません。
reports-col-name = 名前
reports-col-cases = ケース数
reports-col-expired = 期限切れ
reports-col-to-assign = 割り当てまで
reports-col-to-connect = 初回接続まで
reports-col-to-close = 完了まで
reports-col-median = 中央値
reports-col-p90 = p90
reports-per-group = グループ別
reports-per-expert = エキスパート別

## ケースの履歴

history-created = 作成
history-assigned = 割り当て
history-unassigned = 割り当て解除
history-claimed = 引き受け
history-edited = 編集
history-joined = 参加
history-left = 退出
history-closed = 完了
history-expired = 期限切れ
history-screen_requested = 画面の共有を依頼
history-screen_shared = 画面を共有
history-screen_declined = 画面の共有を拒否
history-screen_paused = 画面の共有を一時停止
history-screen_resumed = 画面の共有を再開
history-screen_stopped = 画面の共有を停止
history-control_requested = 操作を依頼
history-control_granted = 操作を許可
history-control_declined = 操作を拒否
history-control_revoked = 操作の許可を取り消し
history-by = (実行:{ $actor })
history-to-by = ({ $assignee } へ、実行:{ $actor })
history-by-detail = (実行:{ $actor })— { $detail }

## メール:プレーンテキスト。エキスパートがコンソール用に選んだ言語で送ります

email-customer-unnamed = お客様
email-queued-subject = { $customer } が { $group } で待っていますが、対応できる人がいません
email-assigned-subject = { $group } のケースがあなたに割り当てられました: { $customer }
email-overdue-subject = { $customer } が { $group } で長く待ちすぎています
email-waited = { $minutes } 分待っています。
email-open = 開く: { $link }
email-no-link = コンソールのキューにあるケース { $case }(リンクを付けるには public_url を設定してください)
email-why = このメールは Lifeline コンソール(メール設定)で選ばれたものです。
email-webhook-subject = Lifeline は { $url } への Webhook 送信を停止しました
email-webhook-body = Webhook エンドポイント { $url } への配信が 1 日間すべて失敗したため、Lifeline はこのエンドポイントを無効にし、これ以上キューに入れません。
email-webhook-enable = 受信側が復旧したら、{ $page } で(または POST /api/v1/webhooks/{ $id }/enable で)エンドポイントを有効にしてください。無効になる前にキューに入っていたものが、元のイベント ID のまま送られます。無効の間の変更は送られません。
email-webhook-page = コンソールの Webhook ページ
email-webhook-why = このメールは、あなたがこの Lifeline サーバーの管理者であるため送られています。
