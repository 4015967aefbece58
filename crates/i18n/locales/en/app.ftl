# The desktop app: its window, tray menu, notifications and SOS shortcut.
#
# Placeholders: $company is the deployment's company name, $name the expert's
# name, $host the help server's host name, $title the window's own title,
# $message a technical message in English; $position and $seconds are numbers.
# Keep every placeholder of a message; add plural forms as your language needs
# (https://projectfluent.org/fluent/guide/selectors.html).

## Window title, tray, shortcut

window-title = { $company } — Help
window-title-sharing = ● Sharing your screen — { $title }
tray-request = Request help
tray-show = Show
tray-quit = Quit
tray-sharing = Your screen is shared — show the window
shortcut-comment = Get help from { $company }

## Notifications

notify-assigned-title = An expert is assigned
notify-assigned-body = { $name } will help you shortly.
notify-connect-title = Your expert wants to connect
notify-connect-body = { $name } is ready for you. Open the help window to join.
notify-closed-title = Your help request is closed
notify-closed-body = The expert closed your request. Ask again if you still need help.
notify-expired-title = Your help request expired
notify-expired-body = Nobody closed it in time. Ask again if you still need help.
notify-screen-title = Your expert wants to see your screen
notify-screen-body = { $name } asks to see your screen. Open the help window to answer.
notify-control-title = Your expert wants to use your mouse and keyboard
notify-control-body = { $name } asks to control this computer. Open the help window to answer.

## The window

app-heading = Help from { $company }
app-starting = Starting…
idle-intro = Need a hand? Ask for help and an expert from { $company } will contact you.
idle-request = Request help
requesting = Asking for help…
code-label = Your session code
code-hint = Read this code to your expert if they ask for it.
code-copy = Copy code
code-copied = Code copied
code-copy-failed = Could not copy. Select the code and copy it yourself.
status-label = Status
status-waiting-title = Waiting for an expert
status-waiting-next = You are number { $position } in the queue. An expert will take your request soon; you can keep working meanwhile.
status-waiting-next-unknown = Your request is in the queue. An expert will take it soon; you can keep working meanwhile.
status-assigned-title = An expert is assigned
status-assigned-next = { $name } is looking after your request and will connect to you shortly.
status-connect-title = Your expert wants to connect
status-connect-next = { $name } is ready. Join the session when you are.
status-in-session-title = In session
status-in-session-next = You are connected with { $name }.
status-closed-title = Request closed
status-closed-next = This request is closed. If you still need help, ask again.
status-cancelled-next = You cancelled this request. If you still need help, ask again.
status-expired-title = Request expired
status-expired-next = Nobody closed this request in time. If you still need help, ask again.
status-expert-unknown = your expert
assignee-label = Your expert
description-label = What do you need help with? (optional)
description-save = Save description
description-saved = Description saved
cancel-button = Cancel request
cancel-question = Cancel your help request? The experts will no longer see it.
cancel-yes = Yes, cancel it
cancel-no = No, keep it
cancel-done = Your request was cancelled.
again-button = Request help again
join-toggle = Have a code from your expert? Enter it
join-label = Session code (9 digits)
join-submit = Join
offline-unreachable = Cannot reach { $host } — retrying in { $seconds ->
        [one] { $seconds } second
       *[other] { $seconds } seconds
    }
offline-rate-limited = { $host } is busy — retrying in { $seconds ->
        [one] { $seconds } second
       *[other] { $seconds } seconds
    }
offline-server-error = { $host } has a problem — retrying in { $seconds ->
        [one] { $seconds } second
       *[other] { $seconds } seconds
    }
offline-now = Cannot reach { $host } — retrying now…
broken-title = This app is not set up correctly
broken-body = It cannot ask for help because its deployment file is missing or broken. Please tell your IT department and show them this message:

## The live session and the screen

session-title = Session with your expert
session-invite = { $name } wants to connect
session-join = Join
session-not-now = Not now
session-start = Start a session with the expert
session-message-label = Message to your expert
session-send = Send
session-leave = Leave the session
session-reconnecting = Connection lost — reconnecting…
session-me = You
screen-request = { $name } wants to see your screen (view only)
screen-share = Share
screen-not-now = Not now
screen-control-request = { $name } wants to use your mouse and keyboard
screen-control-allow = Allow
screen-sharing = { $name } can see your screen
screen-paused = Screen sharing is paused: { $name } sees nothing new
screen-controlled = { $name } is using your mouse and keyboard
screen-pause = Pause
screen-resume = Resume
screen-stop = Stop sharing
screen-take-back = Take back control (Esc)
screen-unavailable = Screen sharing is not available on this system yet.

## Errors, by the code the app reports (error-<code>, "_" written "-")

error-invalid-code = That is not a 9-digit code. Check it and try again.
error-not-found = No open request has that code. Check it with your expert.
error-invalid-description = The description is too long or has characters that are not allowed.
error-unreachable = Cannot reach the help server. Try again in a moment.
error-rate-limited = Too many attempts. Wait a moment and try again.
error-unauthorized = The help server refused this app. Please tell your IT department.
error-conflict = This request is already closed.
error-busy = A request is already on its way. Please wait.
error-no-case = There is no open request.
error-invalid-message = The message is empty or too long.
error-no-session = You are not in a session.
error-validation = The message is empty or too long.
error-screen-unavailable = Screen sharing is not available on this system yet.
error-screen-lapsed = That request expired. Your expert can ask again.
error-server-too-old = The help server is out of date for this app. Please tell your IT department: the server needs an upgrade.
error-server-too-new = This app is too old for the help server. Please tell your IT department: the app needs an upgrade.
error-forbidden = The help server does not allow this. Please tell your IT department.
error-payload-too-large = That is too long for the help server. Shorten it and try again.
error-internal = The help server has a problem. Try again in a moment.
error-refused = The help server refused the request. Try again in a moment; if it keeps happening, tell your IT department.
error-state = The app cannot save its data on this computer (is the disk full?). Please tell your IT department.
error-screen-not-shared = Your screen is not being shared.
error-other = Something went wrong: { $message }
