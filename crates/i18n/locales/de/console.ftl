# Die Expertenkonsole: ihre Seiten, ihre Ansagen und ihr Skript.
# Platzhalter wie in der englischen Datei (locales/en/console.ftl).

## Der Seitenrahmen

console-title = { $page } · Lifeline-Konsole
skip-to-main = Zum Hauptinhalt springen
nav-label = Hauptnavigation
nav-queue = Warteschlange
nav-new-case = Neuer Fall
nav-settings = E-Mail
nav-experts = Experten
nav-groups = Gruppen
nav-deployments = Verteilungen
nav-tokens = API-Token
nav-webhooks = Webhooks
nav-reports = Berichte
nav-audit = Prüfprotokoll
notify-permission = Benachrichtigungen einschalten
availability-available = Verfügbar
availability-away = Abwesend
availability-go-away = Abwesend melden
availability-become-available = Verfügbar werden
sign-out = Abmelden
none = —

## Anmelden

sign-in-title = Anmelden
sign-in-heading = Bei der Service-Warteschlange anmelden
sign-in-email = E-Mail
sign-in-password = Passwort
sign-in-button = Anmelden
sign-in-bad-email = Geben Sie die E-Mail-Adresse ein, mit der Sie sich anmelden.
sign-in-wrong-length = E-Mail oder Passwort ist falsch (Passwörter haben { $min } bis { $max } Zeichen).
sign-in-wrong = E-Mail oder Passwort ist falsch.
sign-in-slowed = Zu viele fehlgeschlagene Anmeldungen für diese Adresse. Versuchen Sie es in { $duration } erneut.

## Zeitspannen

duration-seconds = { $seconds } s
duration-minutes = { $minutes } min
duration-hours = { $hours } h { $minutes } min

## Fallzustände und Kanäle

state-new = neu
state-pending = wartend
state-in_progress = in Bearbeitung
state-closed = geschlossen
state-expired = abgelaufen
channel-sos = SOS-Schaltfläche
channel-app = App
channel-manual = manuell
channel-api = API
yes = ja
no = nein
unassigned = nicht zugewiesen

## Die Warteschlange

queue-title = Warteschlange
queue-heading = Service-Warteschlange
queue-filters = Filter
queue-filter-state = Zustand
queue-filter-group = Gruppe
queue-filter-all-groups = Alle meine Gruppen
queue-filter-assigned = Zugewiesen
queue-filter-button = Filtern
filter-state-open = Offen
filter-state-new = Neu
filter-state-pending = Wartend
filter-state-in_progress = In Bearbeitung
filter-state-closed = Geschlossen
filter-state-expired = Abgelaufen
filter-state-all = Alle
filter-assignee-any = Beliebig
filter-assignee-me = Ich
filter-assignee-none = Nicht zugewiesen
queue-news-added = Neuer Fall { $code }, { $state }.
queue-news-changed = Fall { $code } ist jetzt { $state }.
queue-news-removed = Fall { $code } ist nicht mehr in dieser Liste.
queue-caption = Fälle, älteste zuerst
queue-col-code = Code
queue-col-customer = Kunde
queue-col-description = Beschreibung
queue-col-channel = Kanal
queue-col-state = Zustand
queue-col-assignee = Zuständig
queue-col-waiting = Wartezeit
queue-col-time-left = Verbleibend
queue-empty = Keine passenden Fälle.

## Ein Fall

case-title = Fall { $code }
case-heading = Fall
case-news-changed = Fall aktualisiert: { $what }
case-details = Details
case-group = Gruppe
case-channel = Kanal
case-customer = Kunde
case-email = E-Mail
case-description = Beschreibung
case-assignee = Zuständig
case-expert-connected = Experte verbunden
case-customer-connected = Kunde verbunden
case-queue-position = Position in der Warteschlange
case-created = Erstellt
case-expires = Läuft ab
case-closed = Geschlossen
case-closed-by = { $at } von { $name }
case-device = Gerät
case-hostname = Hostname
case-os = Betriebssystem
case-app-version = App-Version
case-locale = Gebietsschema
case-locale-named = { $language } ({ $locale })
case-session = Sitzung
case-session-not-connected = Nicht verbunden.
case-connect = Verbinden
case-leave = Verlassen
case-screen-not-shared = Der Bildschirm des Kunden wird nicht geteilt.
case-view-screen = Bildschirm ansehen
case-request-control = Steuerung anfragen
case-stop-screen = Beenden
case-screen-label = Der Bildschirm des Kunden
case-chat = Chat
case-chat-message = Nachricht
case-chat-placeholder = An den Kunden schreiben
case-chat-send = Senden
case-actions = Aktionen
case-assign-to-me = Mir zuweisen
case-assign-to = Zuweisen an
case-assign = Zuweisen
case-unassign = Zuweisung aufheben
case-close-confirm = Diesen Fall schließen?
case-close = Fall schließen
case-final = Dieser Fall ist { $state }; damit lässt sich nichts mehr tun.
case-history = Verlauf

## Ein neuer Fall

new-case-title = Neuer Fall
new-case-heading = Neuer manueller Fall
new-case-intro = Legen Sie einen Fall für einen Kunden am Telefon an und lesen Sie ihm dann den Code vor: Er gibt ihn in der App ein.
new-case-group = Gruppe
new-case-customer-name = Name des Kunden (optional)
new-case-customer-email = E-Mail des Kunden (optional)
new-case-description = Beschreibung (optional)
new-case-create = Fall anlegen
case-created-title = Fall angelegt
case-created-heading = Lesen Sie dem Kunden diesen Code vor
case-created-code-label = Sitzungscode { $code }
case-created-how = Er öffnet die App, wählt „Haben Sie einen Code von Ihrem Experten?“ und gibt ihn ein.
case-created-lapse = Der Code gilt { $duration }. Tritt bis dahin niemand bei, läuft der Fall ab; legen Sie dann einen neuen an.
case-created-open = Fall öffnen

## Einstellungen: E-Mail und Sprache

settings-title = E-Mail
settings-heading = E-Mail
settings-email-off = Dieser Server versendet noch keine E-Mails: Ein Administrator setzt smtp_url in seiner Konfiguration. Ihre Auswahl wird bis dahin gespeichert.
settings-saved = Gespeichert.
settings-email-intro = Zusätzlich zu den Hinweisen der Konsole eine E-Mail an { $email } senden, wenn:
settings-email-queued = ein Fall in einer meiner Gruppen wartet und niemand verfügbar ist
settings-email-assigned = mir ein Fall zugewiesen wird
settings-email-overdue = ein Kunde in einer meiner Gruppen länger als die Hinweiszeit der Gruppe wartet
settings-save = Speichern
settings-email-note = Jede E-Mail verweist auf den Fall in der Konsole; sie enthält nie den Sitzungscode des Kunden.
settings-language-heading = Sprache
settings-language-label = Sprache der Konsole und meiner E-Mails
settings-language-browser = Wie mein Browser es wünscht
settings-language-save = Sprache speichern
settings-language-saved = Sprache gespeichert.
settings-language-invalid = Die Konsole spricht „{ $language }“ nicht; wählen Sie eine der aufgeführten Sprachen.

## Fehler

page-error-not-found = Nicht gefunden
page-error-forbidden = Nicht erlaubt
page-error-conflict = Das ist jetzt nicht möglich
page-error-slow-down = Bitte langsamer
page-error-internal = Etwas ist schiefgegangen
page-error-refused = Das ist nicht möglich
page-error-back = Zurück
page-error-csrf = Dieses Formular ist veraltet oder stammt nicht aus der Konsole (CSRF-Prüfung fehlgeschlagen); laden Sie die Seite neu und versuchen Sie es erneut.
page-error-admins-only = Diese Seite ist für Administratoren.
page-error-wait = Zu viele Versuche in kurzer Zeit. Bitte versuche es in { $seconds ->
        [one] { $seconds } Sekunde noch einmal.
       *[other] { $seconds } Sekunden noch einmal.
    }
page-error-gone = Das gibt es nicht mehr, oder du darfst es nicht sehen.
page-error-case-final = Dieser Fall ist { $state } und kann nicht mehr geändert werden.
page-error-email-taken = Es gibt bereits einen Experten mit dieser E-Mail-Adresse.
page-error-group-name-taken = Es gibt bereits eine Gruppe mit diesem Namen.
page-error-not-saved = Nichts wurde gespeichert: Der Server konnte die Änderung gerade nicht schreiben. Bitte versuche es gleich noch einmal.
page-error-password-length = Ein Passwort hat { $min } bis { $max } Zeichen.
page-error-name-length = Ein Name hat 1 bis 100 Zeichen.
page-error-field = Bitte prüfe „{ $field }“: Dieser Wert wird nicht angenommen.
page-error-own-standing = Du kannst dich nicht selbst deaktivieren oder deine eigene Admin-Rolle abgeben; bitte einen anderen Admin darum.
page-error-not-your-group = Du kannst Fälle nur in deinen eigenen Gruppen anlegen.
page-error-period-date = „{ $value }“ ist kein Datum: Bitte schreibe es JJJJ-MM-TT.
page-error-period-backwards = Der Zeitraum endet, bevor er beginnt: Bitte prüfe die Daten.
page-error-period-days = Ein Zeitraum ist höchstens { $days } Tage lang; bitte wähle einen kürzeren.
page-error-period-too-long = Der Zeitraum enthält mehr als { $max } Fälle; bitte wähle einen kürzeren.

## Das Skript der Konsole

script-state-new = { state-new }
script-state-pending = { state-pending }
script-state-in_progress = { state-in_progress }
script-state-closed = { state-closed }
script-state-expired = { state-expired }
script-yes = { yes }
script-no = { no }
script-sound-on = Ton an
script-sound-off = Ton aus
script-alert-new = Neuer Fall in { $group }
script-alert-new-body = { $name } wartet; niemand hat den Fall übernommen.
script-alert-overdue = Wartet noch in { $group }
script-alert-overdue-seconds = { $name } wartet seit über { $seconds ->
        [one] { $seconds } Sekunde
       *[other] { $seconds } Sekunden
    }.
script-alert-overdue-minutes = { $name } wartet seit über { $minutes ->
        [one] { $minutes } Minute
       *[other] { $minutes } Minuten
    }.
script-alert-assigned = Ihnen wurde ein Fall zugewiesen
script-alert-assigned-body = { $name } ({ $group })
script-session-in = In einer Sitzung mit dem Kunden.
script-session-waiting = Verbunden; warte darauf, dass der Kunde beitritt.
script-session-not-connected = { case-session-not-connected }
script-session-lost = Verbindung verloren; neuer Versuch in { $seconds } s …
script-session-connecting = Verbinde …
script-screen-not-shared = { case-screen-not-shared }
script-screen-other-expert = { $name } arbeitet mit dem Bildschirm des Kunden.
script-screen-another-expert = Ein anderer Experte arbeitet mit dem Bildschirm des Kunden.
script-screen-waiting-share = Warte darauf, dass der Kunde den Bildschirm teilt …
script-screen-paused = Der Kunde hat das Teilen angehalten.
script-screen-waiting-control = Warte darauf, dass der Kunde die Steuerung erlaubt …
script-screen-control = Sie steuern Maus und Tastatur des Kunden. Klicken Sie auf das Bild und tippen Sie dann.
script-screen-viewing = Sie sehen den Bildschirm des Kunden (nur ansehen).
script-screen-ended = Bildschirmfreigabe beendet.

## Verwaltung: Experten

experts-heading = Experten
experts-col-name = Name
experts-col-email = E-Mail
experts-col-role = Rolle
experts-col-status = Status
experts-col-groups = Gruppen
experts-col-change = Ändern
experts-deactivate = Deaktivieren
experts-activate = Aktivieren
experts-make-expert = Zum Experten machen
experts-make-admin = Zum Administrator machen
experts-new-password-for = Neues Passwort für { $name }
experts-new-password-placeholder = neues Passwort
experts-reset-password = Passwort zurücksetzen
experts-add-heading = Experten hinzufügen
experts-email = E-Mail
experts-name = Für Kunden sichtbarer Name
experts-password = Passwort (mindestens { $min } Zeichen)
experts-group = Gruppe
experts-no-group = Noch keine
experts-admin = Administrator
experts-add = Experten hinzufügen
role-admin = Administrator
role-expert = Experte
expert-status-deactivated = deaktiviert
expert-status-available = verfügbar
expert-status-away = abwesend

## Verwaltung: Gruppen

groups-heading = Gruppen
groups-policy = Automatische Zuweisung
policy-off = Aus: Experten übernehmen Fälle von Hand
policy-round_robin = Reihum unter den verfügbaren Experten
policy-least_busy = Der am wenigsten ausgelastete verfügbare Experte
groups-save = Speichern
groups-alert = Hinweis, wenn ein Kunde länger wartet als (Sekunden)
groups-members = Mitglieder:
groups-no-members = keine
groups-remove = Entfernen
groups-add-member = Mitglied hinzufügen
groups-add = Hinzufügen
groups-add-heading = Gruppe hinzufügen
groups-name = Name
groups-add-group = Gruppe hinzufügen

## Verwaltung: Verteilungen und API-Token

deployments-heading = Verteilungen
deployments-intro = Eine Verteilung liefert die IT mit der SOS-App aus: die Serveradresse und einen Schlüssel, der nur Fälle in einer Gruppe anlegen kann.
deployments-col-name = Name
deployments-col-group = Gruppe
deployments-col-url = Server-URL
col-created = Erstellt
col-status = Status
col-actions = Aktionen
deployments-download = Verteilungsdatei herunterladen
deployments-revoke-confirm = Diese Verteilung widerrufen? Installierte Apps können dann keine Hilfe mehr anfordern.
revoke = Widerrufen
deployments-new-heading = Neue Verteilung
deployments-name = Name (auch der Firmenname in der App)
deployments-group = Fälle landen in der Gruppe
deployments-url = Server-URL, die die Apps verwenden
deployments-create = Verteilung anlegen
status-active = aktiv
status-revoked = widerrufen { $at }
deployment-created-title = Verteilung angelegt
deployment-created-heading = Verteilung „{ $name }“ angelegt
deployment-created-key = Der Schlüssel wird nur dieses eine Mal angezeigt; er steht auch in der Verteilungsdatei unten, die Sie später erneut herunterladen können.
deployment-created-file = Verteilungsdatei
deployment-created-ship = Ausliefern
deployment-created-ship-how = Erstellen Sie entweder eigene Installationsprogramme, die die Datei enthalten, oder installieren Sie das allgemeine Paket und legen Sie die Datei am systemweiten Ort ab, der Vorrang vor einer mitgelieferten hat. Speichern Sie die Datei als deployment.toml; docs/deploying.md im Lifeline-Repository enthält die Einzelheiten.
deployment-created-back = Zurück zu den Verteilungen
tokens-heading = API-Token
tokens-intro = Mit Token können Integrationen über die API als Experte handeln. Ein neues Token wird nur einmal angezeigt.
tokens-col-expert = Experte
tokens-new-heading = Neues Token
tokens-for = Für Experten
tokens-create = Token erstellen

## Verwaltung: Webhooks

webhooks-heading = Webhooks
webhooks-intro = Jede Änderung eines Falls, die ein Endpunkt abonniert, wird ihm als JSON per POST gesendet, signiert nach der Spezifikation Standard Webhooks (Header webhook-id, webhook-timestamp, webhook-signature). Fehlgeschlagene Zustellungen werden einen Tag lang mit derselben Ereignis-ID wiederholt; ein Endpunkt, der einen Tag lang fehlschlägt, wird deaktiviert.
webhooks-col-url = URL
webhooks-col-events = Ereignisse
webhooks-deliveries = Zustellprotokoll
webhooks-disable = Deaktivieren
webhooks-enable = Aktivieren
webhooks-delete-confirm = Diesen Endpunkt und seine nicht zugestellten Ereignisse löschen?
webhooks-delete = Löschen
webhooks-new-heading = Neuer Endpunkt
webhooks-url = URL (http:// oder https://)
webhooks-events = Ereignisse
webhooks-add = Endpunkt hinzufügen
webhook-status-disabled = deaktiviert
webhook-status-failing = fehlerhaft seit { $at }
webhook-status-enabled = aktiv
webhook-created-title = Webhook hinzugefügt
webhook-created-heading = Endpunkt hinzugefügt
webhook-created-secret = Ereignisse gehen an { $url }. Sein Signaturgeheimnis wird nur dieses eine Mal angezeigt: Geben Sie es dem Empfänger, der damit die webhook-signature jeder Anfrage prüft.
webhooks-back = Zurück zu den Webhooks
deliveries-title = Webhook-Zustellungen
deliveries-heading = Zustellungen an { $url }
deliveries-intro = Die neuesten Ereignisse, neueste zuerst.
deliveries-col-event = Ereignis
deliveries-col-type = Typ
deliveries-col-case = Fall
deliveries-col-when = Wann
deliveries-col-attempts = Versuche
deliveries-col-outcome = Ergebnis

## Verwaltung: Prüfprotokoll und Berichte

audit-heading = Prüfprotokoll
audit-intro = Anmeldungen (auch fehlgeschlagene) und jede Änderung an Experten, Gruppen, API-Token und Verteilungen: wer, wann und von wo. Neueste zuerst.
audit-action = Aktion
audit-any = Alle
show = Anzeigen
audit-col-when = Wann
audit-col-action = Aktion
audit-col-who = Wer
audit-col-from = Von
audit-col-what = Was
audit-col-detail = Detail
audit-older = Ältere Einträge
reports-heading = Berichte
reports-intro = Fälle, die vom { $from } bis zum { $to } angelegt wurden (UTC-Tage, beide eingeschlossen): wie lange Kunden von ihrer Anfrage bis zur Zuweisung an einen Experten, bis zur ersten Verbindung mit einem Experten und bis zum Schließen warteten. Median und 90. Perzentil (nächster Rang) über die Fälle, die so weit kamen.
reports-from = Von
reports-to = Bis
reports-csv = CSV herunterladen
reports-empty = Keine Fälle in diesem Zeitraum.
reports-col-name = Name
reports-col-cases = Fälle
reports-col-expired = Abgelaufen
reports-col-to-assign = Bis zur Zuweisung
reports-col-to-connect = Bis zur ersten Verbindung
reports-col-to-close = Bis zum Schließen
reports-col-median = Median
reports-col-p90 = p90
reports-per-group = Je Gruppe
reports-per-expert = Je Experte

## Verlauf eines Falls

history-created = angelegt
history-assigned = zugewiesen
history-unassigned = Zuweisung aufgehoben
history-claimed = übernommen
history-edited = bearbeitet
history-joined = beigetreten
history-left = verlassen
history-closed = geschlossen
history-expired = abgelaufen
history-screen_requested = Bildschirm angefragt
history-screen_shared = Bildschirm geteilt
history-screen_declined = Bildschirm abgelehnt
history-screen_paused = Bildschirm pausiert
history-screen_resumed = Bildschirm fortgesetzt
history-screen_stopped = Bildschirm beendet
history-control_requested = Steuerung angefragt
history-control_granted = Steuerung erlaubt
history-control_declined = Steuerung abgelehnt
history-control_revoked = Steuerung entzogen
history-by = von { $actor }
history-to-by = an { $assignee } von { $actor }
history-by-detail = von { $actor } — { $detail }

## E-Mails: reiner Text, in der Sprache, die der Experte für die Konsole gewählt hat

email-customer-unnamed = Ein Kunde
email-queued-subject = { $customer } wartet in { $group } und niemand ist verfügbar
email-assigned-subject = Dir wurde ein Fall in { $group } zugewiesen: { $customer }
email-overdue-subject = { $customer } wartet in { $group } schon zu lange
email-waited = Wartet seit { $minutes } Min.
email-open = Öffnen: { $link }
email-no-link = Fall { $case } in der Warteschlange der Konsole (public_url setzen für einen Link)
email-why = Du hast diese E-Mail in der Lifeline-Konsole gewählt (E-Mail-Einstellungen).
email-webhook-subject = Lifeline sendet keine Webhooks mehr an { $url }
email-webhook-body = Jede Zustellung an den Webhook-Endpunkt { $url } ist einen Tag lang fehlgeschlagen. Lifeline hat ihn deshalb deaktiviert und stellt nichts mehr für ihn ein.
email-webhook-enable = Sobald der Empfänger wieder funktioniert, aktiviere den Endpunkt auf { $page } (oder mit POST /api/v1/webhooks/{ $id }/enable): Was vor der Deaktivierung für ihn anstand, wird dann mit den ursprünglichen Ereignis-IDs gesendet; Änderungen während der Deaktivierung werden ihm nicht gesendet.
email-webhook-page = der Seite Webhooks der Konsole
email-webhook-why = Du erhältst diese E-Mail, weil du Administrator dieses Lifeline-Servers bist.
