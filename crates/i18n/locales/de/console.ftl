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
settings-language-label = Sprache der Konsole
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
