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
settings-language-label = Language of the console
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
