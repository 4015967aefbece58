# Die Desktop-App: Fenster, Menü im Infobereich, Benachrichtigungen und
# SOS-Verknüpfung. Anrede mit „Sie“.

## Fenstertitel, Infobereich, Verknüpfung

window-title = { $company } — Hilfe
window-title-sharing = ● Ihr Bildschirm wird geteilt — { $title }
tray-request = Hilfe anfordern
tray-show = Anzeigen
tray-quit = Beenden
tray-sharing = Ihr Bildschirm wird geteilt — Fenster anzeigen
shortcut-comment = Hilfe von { $company } anfordern

## Benachrichtigungen

notify-assigned-title = Ein Experte ist zugewiesen
notify-assigned-body = { $name } hilft Ihnen in Kürze.
notify-connect-title = Ihr Experte möchte sich verbinden
notify-connect-body = { $name } ist für Sie bereit. Öffnen Sie das Hilfefenster, um teilzunehmen.
notify-closed-title = Ihre Hilfeanfrage ist geschlossen
notify-closed-body = Der Experte hat Ihre Anfrage geschlossen. Fragen Sie erneut, wenn Sie noch Hilfe brauchen.
notify-expired-title = Ihre Hilfeanfrage ist abgelaufen
notify-expired-body = Niemand hat sie rechtzeitig geschlossen. Fragen Sie erneut, wenn Sie noch Hilfe brauchen.
notify-screen-title = Ihr Experte möchte Ihren Bildschirm sehen
notify-screen-body = { $name } bittet darum, Ihren Bildschirm zu sehen. Öffnen Sie das Hilfefenster, um zu antworten.
notify-control-title = Ihr Experte möchte Maus und Tastatur verwenden
notify-control-body = { $name } bittet darum, diesen Computer zu steuern. Öffnen Sie das Hilfefenster, um zu antworten.

## Das Fenster

app-heading = Hilfe von { $company }
app-starting = Wird gestartet …
idle-intro = Brauchen Sie Unterstützung? Fordern Sie Hilfe an, und ein Experte von { $company } meldet sich bei Ihnen.
idle-request = Hilfe anfordern
requesting = Hilfe wird angefordert …
code-label = Ihr Sitzungscode
code-hint = Nennen Sie diesen Code Ihrem Experten, wenn er danach fragt.
code-copy = Code kopieren
code-copied = Code kopiert
code-copy-failed = Kopieren nicht möglich. Markieren Sie den Code und kopieren Sie ihn selbst.
status-label = Status
status-waiting-title = Warten auf einen Experten
status-waiting-next = Sie sind Nummer { $position } in der Warteschlange. Ein Experte übernimmt Ihre Anfrage bald; Sie können so lange weiterarbeiten.
status-waiting-next-unknown = Ihre Anfrage ist in der Warteschlange. Ein Experte übernimmt sie bald; Sie können so lange weiterarbeiten.
status-assigned-title = Ein Experte ist zugewiesen
status-assigned-next = { $name } kümmert sich um Ihre Anfrage und verbindet sich in Kürze mit Ihnen.
status-connect-title = Ihr Experte möchte sich verbinden
status-connect-next = { $name } ist bereit. Treten Sie der Sitzung bei, sobald Sie so weit sind.
status-in-session-title = In der Sitzung
status-in-session-next = Sie sind mit { $name } verbunden.
status-closed-title = Anfrage geschlossen
status-closed-next = Diese Anfrage ist geschlossen. Wenn Sie noch Hilfe brauchen, fragen Sie erneut.
status-cancelled-next = Sie haben diese Anfrage abgebrochen. Wenn Sie noch Hilfe brauchen, fragen Sie erneut.
status-expired-title = Anfrage abgelaufen
status-expired-next = Niemand hat diese Anfrage rechtzeitig geschlossen. Wenn Sie noch Hilfe brauchen, fragen Sie erneut.
status-expert-unknown = Ihr Experte
assignee-label = Ihr Experte
description-label = Wobei brauchen Sie Hilfe? (optional)
description-save = Beschreibung speichern
description-saved = Beschreibung gespeichert
cancel-button = Anfrage abbrechen
cancel-question = Ihre Hilfeanfrage abbrechen? Die Experten sehen sie dann nicht mehr.
cancel-yes = Ja, abbrechen
cancel-no = Nein, behalten
cancel-done = Ihre Anfrage wurde abgebrochen.
again-button = Erneut Hilfe anfordern
join-toggle = Haben Sie einen Code von Ihrem Experten? Geben Sie ihn ein
join-label = Sitzungscode (9 Ziffern)
join-submit = Beitreten
offline-unreachable = { $host } ist nicht erreichbar — neuer Versuch in { $seconds ->
        [one] { $seconds } Sekunde
       *[other] { $seconds } Sekunden
    }
offline-rate-limited = { $host } ist ausgelastet — neuer Versuch in { $seconds ->
        [one] { $seconds } Sekunde
       *[other] { $seconds } Sekunden
    }
offline-server-error = { $host } hat ein Problem — neuer Versuch in { $seconds ->
        [one] { $seconds } Sekunde
       *[other] { $seconds } Sekunden
    }
offline-now = { $host } ist nicht erreichbar — neuer Versuch läuft …
broken-title = Diese App ist nicht richtig eingerichtet
broken-body = Sie kann keine Hilfe anfordern, weil ihre Bereitstellungsdatei fehlt oder fehlerhaft ist. Bitte wenden Sie sich an Ihre IT-Abteilung und zeigen Sie ihr diese Meldung:

## Die Live-Sitzung und der Bildschirm

session-title = Sitzung mit Ihrem Experten
session-invite = { $name } möchte sich verbinden
session-join = Beitreten
session-not-now = Nicht jetzt
session-start = Sitzung mit dem Experten starten
session-message-label = Nachricht an Ihren Experten
session-send = Senden
session-leave = Sitzung verlassen
session-reconnecting = Verbindung unterbrochen — wird wiederhergestellt …
session-me = Sie
screen-request = { $name } möchte Ihren Bildschirm sehen (nur ansehen)
screen-share = Teilen
screen-not-now = Nicht jetzt
screen-control-request = { $name } möchte Ihre Maus und Tastatur verwenden
screen-control-allow = Erlauben
screen-sharing = { $name } sieht Ihren Bildschirm
screen-paused = Bildschirmfreigabe pausiert: { $name } sieht nichts Neues
screen-controlled = { $name } verwendet Ihre Maus und Tastatur
screen-pause = Pausieren
screen-resume = Fortsetzen
screen-stop = Freigabe beenden
screen-take-back = Steuerung zurücknehmen (Esc)
screen-unavailable = Bildschirmfreigabe ist auf diesem System noch nicht verfügbar.

## Fehler

error-invalid-code = Das ist kein 9-stelliger Code. Prüfen Sie ihn und versuchen Sie es erneut.
error-not-found = Keine offene Anfrage hat diesen Code. Prüfen Sie ihn mit Ihrem Experten.
error-invalid-description = Die Beschreibung ist zu lang oder enthält nicht erlaubte Zeichen.
error-unreachable = Der Hilfeserver ist nicht erreichbar. Versuchen Sie es gleich noch einmal.
error-rate-limited = Zu viele Versuche. Warten Sie einen Moment und versuchen Sie es erneut.
error-unauthorized = Der Hilfeserver hat diese App abgewiesen. Bitte wenden Sie sich an Ihre IT-Abteilung.
error-conflict = Diese Anfrage ist bereits geschlossen.
error-busy = Eine Anfrage ist bereits unterwegs. Bitte warten Sie.
error-no-case = Es gibt keine offene Anfrage.
error-invalid-message = Die Nachricht ist leer oder zu lang.
error-no-session = Sie sind in keiner Sitzung.
error-validation = Die Nachricht ist leer oder zu lang.
error-screen-unavailable = Bildschirmfreigabe ist auf diesem System noch nicht verfügbar.
error-screen-lapsed = Diese Anfrage ist abgelaufen. Ihr Experte kann erneut fragen.
error-server-too-old = Der Hilfeserver ist für diese App zu alt. Bitte informieren Sie Ihre IT-Abteilung: Der Server muss aktualisiert werden.
error-server-too-new = Diese App ist für den Hilfeserver zu alt. Bitte informieren Sie Ihre IT-Abteilung: Die App muss aktualisiert werden.
error-forbidden = Der Hilfeserver erlaubt das nicht. Bitte wenden Sie sich an Ihre IT-Abteilung.
error-payload-too-large = Das ist zu lang für den Hilfeserver. Kürzen Sie es und versuchen Sie es erneut.
error-internal = Der Hilfeserver hat ein Problem. Versuchen Sie es gleich noch einmal.
error-refused = Der Hilfeserver hat die Anfrage abgelehnt. Versuchen Sie es gleich noch einmal; wenn es wieder passiert, wenden Sie sich an Ihre IT-Abteilung.
error-state = Die App kann ihre Daten auf diesem Computer nicht speichern (ist der Datenträger voll?). Bitte wenden Sie sich an Ihre IT-Abteilung.
error-screen-not-shared = Ihr Bildschirm wird nicht geteilt.
error-other = Etwas ist schiefgelaufen: { $message }
