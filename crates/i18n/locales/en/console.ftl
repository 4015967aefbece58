# The expert console: its pages, what they announce, and its script.
#
# Placeholders: $page is a page's title, $code a 9-digit session code, $state
# a case state's name (one of the state-* messages), $name a person's name,
# $group a group's name, $email an email address, $language a language's own
# name, $locale a locale tag (ar-EG), $what a few changed details, $message a
# technical message in English, $at a date and time, $duration a span of
# time already in words; $count, $seconds, $minutes, $hours, $min and $max are
# numbers. Keep every placeholder of a message; add plural forms as your
# language needs.
#
# Messages named script-* are formatted by the console's script in the
# browser (the same parts as the desktop window gets).

## The page frame

console-title = { $page } · Lifeline console
skip-to-main = Skip to main content
nav-label = Main
nav-queue = Queue
nav-new-case = New case
nav-settings = Email
nav-experts = Experts
nav-groups = Groups
nav-deployments = Deployments
nav-tokens = API tokens
nav-webhooks = Webhooks
nav-reports = Reports
nav-audit = Audit log
notify-permission = Turn on notifications
availability-available = Available
availability-away = Away
availability-go-away = Go away
availability-become-available = Become available
sign-out = Sign out
none = —

## Signing in

sign-in-title = Sign in
sign-in-heading = Sign in to the service queue
sign-in-email = Email
sign-in-password = Password
sign-in-button = Sign in
sign-in-bad-email = Enter the email address you sign in with.
sign-in-wrong-length = Wrong email or password (passwords have { $min } to { $max } characters).
sign-in-wrong = Wrong email or password.
sign-in-slowed = Too many failed sign-ins for this address. Try again in { $duration }.

## Spans of time

duration-seconds = { $seconds } s
duration-minutes = { $minutes } min
duration-hours = { $hours } h { $minutes } min

## Case states and channels

state-new = new
state-pending = pending
state-in_progress = in progress
state-closed = closed
state-expired = expired
channel-sos = SOS button
channel-app = app
channel-manual = manual
channel-api = API
yes = yes
no = no
unassigned = unassigned

## The queue

queue-title = Queue
queue-heading = Service queue
queue-filters = Filters
queue-filter-state = State
queue-filter-group = Group
queue-filter-all-groups = All my groups
queue-filter-assigned = Assigned
queue-filter-button = Filter
filter-state-open = Open
filter-state-new = New
filter-state-pending = Pending
filter-state-in_progress = In progress
filter-state-closed = Closed
filter-state-expired = Expired
filter-state-all = All
filter-assignee-any = Anyone
filter-assignee-me = Me
filter-assignee-none = Unassigned
# What the queue's live region says when a row comes, changes or goes; the
# script puts in the code and the state.
queue-news-added = New case { $code }, { $state }.
queue-news-changed = Case { $code } is now { $state }.
queue-news-removed = Case { $code } left this list.
queue-caption = Cases, oldest first
queue-col-code = Code
queue-col-customer = Customer
queue-col-description = Description
queue-col-channel = Channel
queue-col-state = State
queue-col-assignee = Assignee
queue-col-waiting = Waiting
queue-col-time-left = Time left
queue-empty = No cases match.

## A case

case-title = Case { $code }
case-heading = Case
# The script puts in what changed.
case-news-changed = Case updated: { $what }
case-details = Details
case-group = Group
case-channel = Channel
case-customer = Customer
case-email = Email
case-description = Description
case-assignee = Assignee
case-expert-connected = Expert connected
case-customer-connected = Customer connected
case-queue-position = Queue position
case-created = Created
case-expires = Expires
case-closed = Closed
case-closed-by = { $at } by { $name }
case-device = Device
case-hostname = Hostname
case-os = OS
case-app-version = App version
case-locale = Locale
# The customer's language in its own name, then the locale their device sent.
case-locale-named = { $language } ({ $locale })
case-session = Session
case-session-not-connected = Not connected.
case-connect = Connect
case-leave = Leave
case-screen-not-shared = The customer's screen is not shared.
case-view-screen = View screen
case-request-control = Request control
case-stop-screen = Stop
case-screen-label = The customer's screen
case-chat = Chat
case-chat-message = Message
case-chat-placeholder = Write to the customer
case-chat-send = Send
case-actions = Actions
case-assign-to-me = Assign to me
case-assign-to = Assign to
case-assign = Assign
case-unassign = Unassign
case-close-confirm = Close this case?
case-close = Close case
case-final = This case is { $state }; nothing more can be done with it.
case-history = History

## A new case

new-case-title = New case
new-case-heading = New manual case
new-case-intro = Create a case for a customer on the phone, then read them the code: they enter it in the app.
new-case-group = Group
new-case-customer-name = Customer name (optional)
new-case-customer-email = Customer email (optional)
new-case-description = Description (optional)
new-case-create = Create case
case-created-title = Case created
case-created-heading = Read this code to the customer
case-created-code-label = Session code { $code }
case-created-how = They open the app, choose "Have a code from your expert?" and type it in.
case-created-lapse = The code works for { $duration }. If nobody joins by then, the case expires; make a new one.
case-created-open = Open the case

## Settings: email and language

settings-title = Email
settings-heading = Email
settings-email-off = This server sends no email yet: an administrator sets smtp_url in its configuration. Your choice is kept for then.
settings-saved = Saved.
settings-email-intro = Besides the console's own alerts, send an email to { $email } when:
settings-email-queued = a case waits in one of my groups and nobody is available
settings-email-assigned = a case is assigned to me
settings-email-overdue = a customer in one of my groups has waited longer than the group's alert time
settings-save = Save
settings-email-note = Each email links to the case in the console; it never carries the customer's session code.
settings-language-heading = Language
settings-language-label = Language of the console and of my emails
settings-language-browser = As my browser asks
settings-language-save = Save language
settings-language-saved = Language saved.
settings-language-invalid = The console does not speak “{ $language }”; choose one of the listed languages.

## Errors

page-error-not-found = Not found
page-error-forbidden = Not allowed
page-error-conflict = Cannot do that now
page-error-slow-down = Slow down
page-error-internal = Something went wrong
page-error-refused = Cannot do that
page-error-back = Back
page-error-csrf = This form is out of date or did not come from the console (CSRF check failed); reload the page and try again.
page-error-admins-only = This page is for admins.
page-error-wait = Too many attempts in a short time. Please try again in { $seconds ->
        [one] { $seconds } second.
       *[other] { $seconds } seconds.
    }
page-error-gone = It is not there any more, or you may not see it.
page-error-case-final = This case is { $state }: it takes no more changes.
page-error-email-taken = An expert with this email address already exists.
page-error-group-name-taken = A group with this name already exists.
page-error-not-saved = Nothing was saved: the server could not write the change just now. Please try again in a moment.
page-error-password-length = A password has { $min } to { $max } characters.
page-error-name-length = A name has 1 to 100 characters.
page-error-field = Please check “{ $field }”: this value is not accepted.
page-error-own-standing = You cannot deactivate yourself or give up your own admin role; ask another admin.
page-error-not-your-group = You can only open cases in your own groups.
page-error-period-date = “{ $value }” is not a date: please write it YYYY-MM-DD.
page-error-period-backwards = The period ends before it starts: please check the dates.
page-error-period-days = A period is at most { $days } days long; please choose a shorter one.
page-error-period-too-long = The period holds more than { $max } cases; please choose a shorter one.

## The console's script

script-state-new = { state-new }
script-state-pending = { state-pending }
script-state-in_progress = { state-in_progress }
script-state-closed = { state-closed }
script-state-expired = { state-expired }
script-yes = { yes }
script-no = { no }
script-sound-on = Sound on
script-sound-off = Sound off
script-alert-new = New case in { $group }
script-alert-new-body = { $name } is waiting; nobody has taken the case.
script-alert-overdue = Still waiting in { $group }
script-alert-overdue-seconds = { $name } has waited over { $seconds ->
        [one] { $seconds } second
       *[other] { $seconds } seconds
    }.
script-alert-overdue-minutes = { $name } has waited over { $minutes ->
        [one] { $minutes } minute
       *[other] { $minutes } minutes
    }.
script-alert-assigned = Case assigned to you
script-alert-assigned-body = { $name } ({ $group })
script-session-in = In session with the customer.
script-session-waiting = Connected; waiting for the customer to join.
script-session-not-connected = { case-session-not-connected }
script-session-lost = Connection lost; reconnecting in { $seconds } s…
script-session-connecting = Connecting…
script-screen-not-shared = { case-screen-not-shared }
script-screen-other-expert = { $name } is working with the customer's screen.
script-screen-another-expert = Another expert is working with the customer's screen.
script-screen-waiting-share = Waiting for the customer to share the screen…
script-screen-paused = The customer paused sharing.
script-screen-waiting-control = Waiting for the customer to allow control…
script-screen-control = You control the customer's mouse and keyboard. Click the picture, then type.
script-screen-viewing = Viewing the customer's screen (view only).
script-screen-ended = Screen sharing ended.

## Admin: experts

experts-heading = Experts
experts-col-name = Name
experts-col-email = Email
experts-col-role = Role
experts-col-status = Status
experts-col-groups = Groups
experts-col-change = Change
experts-deactivate = Deactivate
experts-activate = Activate
experts-make-expert = Make expert
experts-make-admin = Make admin
experts-new-password-for = New password for { $name }
experts-new-password-placeholder = new password
experts-reset-password = Reset password
experts-add-heading = Add an expert
experts-email = Email
experts-name = Name shown to customers
experts-password = Password (at least { $min } characters)
experts-group = Group
experts-no-group = None yet
experts-admin = Admin
experts-add = Add expert
role-admin = admin
role-expert = expert
expert-status-deactivated = deactivated
expert-status-available = available
expert-status-away = away

## Admin: groups

groups-heading = Groups
groups-policy = Automatic assignment
policy-off = Off: experts take cases by hand
policy-round_robin = Round-robin over available experts
policy-least_busy = Least busy available expert
groups-save = Save
groups-alert = Alert when a customer waits longer than (seconds)
groups-members = Members:
groups-no-members = none
groups-remove = Remove
groups-add-member = Add member
groups-add = Add
groups-add-heading = Add a group
groups-name = Name
groups-add-group = Add group

## Admin: deployments and API tokens

deployments-heading = Deployments
deployments-intro = A deployment is what IT ships with the SOS app: the server address and a key that can only create cases in one group.
deployments-col-name = Name
deployments-col-group = Group
deployments-col-url = Server URL
col-created = Created
col-status = Status
col-actions = Actions
deployments-download = Download deployment file
deployments-revoke-confirm = Revoke this deployment? Installed apps stop being able to ask for help.
revoke = Revoke
deployments-new-heading = New deployment
deployments-name = Name (also the company name in the app)
deployments-group = Cases land in group
deployments-url = Server URL the apps use
deployments-create = Create deployment
status-active = active
status-revoked = revoked { $at }
deployment-created-title = Deployment created
deployment-created-heading = Deployment "{ $name }" created
deployment-created-key = The key is shown this once; it is also inside the deployment file below, which you can download again later.
deployment-created-file = Deployment file
deployment-created-ship = Ship it
deployment-created-ship-how = Either build branded installers that carry the file, or install the generic package and put the file in the system-wide place, which wins over a bundled one. Save the file as deployment.toml; docs/deploying.md in the Lifeline repository has the details.
deployment-created-back = Back to deployments
tokens-heading = API tokens
tokens-intro = Tokens let integrations act as an expert through the API. A new token is shown once.
tokens-col-expert = Expert
tokens-new-heading = New token
tokens-for = For expert
tokens-create = Create token

## Admin: webhooks

webhooks-heading = Webhooks
webhooks-intro = Each change of a case an endpoint subscribes to is POSTed to it as JSON, signed as the Standard Webhooks specification says (headers webhook-id, webhook-timestamp, webhook-signature). Failed deliveries are retried for a day with the same event id; an endpoint failing for a day is disabled.
webhooks-col-url = URL
webhooks-col-events = Events
webhooks-deliveries = Delivery log
webhooks-disable = Disable
webhooks-enable = Enable
webhooks-delete-confirm = Delete this endpoint and its undelivered events?
webhooks-delete = Delete
webhooks-new-heading = New endpoint
webhooks-url = URL (http:// or https://)
webhooks-events = Events
webhooks-add = Add endpoint
webhook-status-disabled = disabled
webhook-status-failing = failing since { $at }
webhook-status-enabled = enabled
webhook-created-title = Webhook added
webhook-created-heading = Endpoint added
webhook-created-secret = Events go to { $url }. Its signing secret is shown this once: give it to the receiver, which verifies each request's webhook-signature with it.
webhooks-back = Back to webhooks
deliveries-title = Webhook deliveries
deliveries-heading = Deliveries to { $url }
deliveries-intro = The latest events, newest first.
deliveries-col-event = Event
deliveries-col-type = Type
deliveries-col-case = Case
deliveries-col-when = When
deliveries-col-attempts = Attempts
deliveries-col-outcome = Outcome

## Admin: audit log and reports

audit-heading = Audit log
audit-intro = Sign-ins (and failed ones) and every change to experts, groups, API tokens and deployments: who, when and from where. Newest first.
audit-action = Action
audit-any = Any
show = Show
audit-col-when = When
audit-col-action = Action
audit-col-who = Who
audit-col-from = From
audit-col-what = What
audit-col-detail = Detail
audit-older = Older entries
reports-heading = Reports
reports-intro = Cases created from { $from } to { $to } (UTC days, both included): how long customers waited from their request to an expert's assignment, to the first connection with an expert, and to the close. Median and 90th percentile (nearest rank) over the cases that got that far.
reports-from = From
reports-to = To
reports-csv = Download CSV
reports-empty = No cases in this period.
reports-col-name = Name
reports-col-cases = Cases
reports-col-expired = Expired
reports-col-to-assign = To assign
reports-col-to-connect = To first connection
reports-col-to-close = To close
reports-col-median = Median
reports-col-p90 = p90
reports-per-group = Per group
reports-per-expert = Per expert

## A case's history

history-created = created
history-assigned = assigned
history-unassigned = unassigned
history-claimed = claimed
history-edited = edited
history-joined = joined
history-left = left
history-closed = closed
history-expired = expired
history-screen_requested = screen_requested
history-screen_shared = screen_shared
history-screen_declined = screen_declined
history-screen_paused = screen_paused
history-screen_resumed = screen_resumed
history-screen_stopped = screen_stopped
history-control_requested = control_requested
history-control_granted = control_granted
history-control_declined = control_declined
history-control_revoked = control_revoked
history-by = by { $actor }
history-to-by = to { $assignee } by { $actor }
history-by-detail = by { $actor } — { $detail }

## Emails: plain text, in the language the expert chose for the console
# ($customer is a customer's name, $link a web address, $case a case id,
# $url a webhook endpoint's address, $id its id.)

email-customer-unnamed = A customer
email-queued-subject = { $customer } is waiting in { $group } and nobody is available
email-assigned-subject = { $customer }'s case in { $group } is assigned to you
email-overdue-subject = { $customer } has waited too long in { $group }
email-waited = Waiting for { $minutes } min.
email-open = Open: { $link }
email-no-link = case { $case } in the console's queue (set public_url for a link)
email-why = You chose this email in the Lifeline console (Email settings).
email-webhook-subject = Lifeline stopped sending webhooks to { $url }
email-webhook-body = Every delivery to the webhook endpoint { $url } failed for a day, so Lifeline disabled it and queues nothing more for it.
email-webhook-enable = Once the receiver works again, enable the endpoint on { $page } (or POST /api/v1/webhooks/{ $id }/enable): what was queued for it before it was disabled is sent then, with the original event ids; changes made while it is disabled are not sent to it.
email-webhook-page = the console's Webhooks page
email-webhook-why = You get this email because you are an admin of this Lifeline server.
