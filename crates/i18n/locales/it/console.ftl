# La console degli esperti: le sue pagine, i suoi annunci e il suo script.
# Segnaposto come nel file inglese (locales/en/console.ftl).

## La cornice della pagina

console-title = { $page } · Console Lifeline
skip-to-main = Vai al contenuto principale
nav-label = Principale
nav-queue = Coda
nav-new-case = Nuovo caso
nav-settings = E-mail
nav-experts = Esperti
nav-groups = Gruppi
nav-deployments = Distribuzioni
nav-tokens = Token API
nav-webhooks = Webhook
nav-reports = Report
nav-audit = Registro di controllo
notify-permission = Attiva le notifiche
availability-available = Disponibile
availability-away = Assente
availability-go-away = Segnala assenza
availability-become-available = Rendimi disponibile
sign-out = Esci
none = —

## Accesso

sign-in-title = Accedi
sign-in-heading = Acceda alla coda di assistenza
sign-in-email = E-mail
sign-in-password = Password
sign-in-button = Accedi
sign-in-bad-email = Inserisca l’indirizzo e-mail con cui accede.
sign-in-wrong-length = E-mail o password errata (le password hanno da { $min } a { $max } caratteri).
sign-in-wrong = E-mail o password errata.
sign-in-slowed = Troppi accessi non riusciti per questo indirizzo. Riprovi tra { $duration }.

## Intervalli di tempo

duration-seconds = { $seconds } s
duration-minutes = { $minutes } min
duration-hours = { $hours } h { $minutes } min

## Stati dei casi e canali

state-new = nuovo
state-pending = in sospeso
state-in_progress = in corso
state-closed = chiuso
state-expired = scaduto
channel-sos = pulsante SOS
channel-app = app
channel-manual = manuale
channel-api = API
yes = sì
no = no
unassigned = non assegnato

## La coda

queue-title = Coda
queue-heading = Coda di assistenza
queue-filters = Filtri
queue-filter-state = Stato
queue-filter-group = Gruppo
queue-filter-all-groups = Tutti i miei gruppi
queue-filter-assigned = Assegnato
queue-filter-button = Filtra
filter-state-open = Aperti
filter-state-new = Nuovi
filter-state-pending = In sospeso
filter-state-in_progress = In corso
filter-state-closed = Chiusi
filter-state-expired = Scaduti
filter-state-all = Tutti
filter-assignee-any = Chiunque
filter-assignee-me = Io
filter-assignee-none = Non assegnati
queue-news-added = Nuovo caso { $code }, { $state }.
queue-news-changed = Il caso { $code } ora è { $state }.
queue-news-removed = Il caso { $code } è uscito da questo elenco.
queue-caption = Casi, dal più vecchio
queue-col-code = Codice
queue-col-customer = Cliente
queue-col-description = Descrizione
queue-col-channel = Canale
queue-col-state = Stato
queue-col-assignee = Assegnatario
queue-col-waiting = In attesa da
queue-col-time-left = Tempo residuo
queue-empty = Nessun caso corrisponde.

## Un caso

case-title = Caso { $code }
case-heading = Caso
case-news-changed = Caso aggiornato: { $what }
case-details = Dettagli
case-group = Gruppo
case-channel = Canale
case-customer = Cliente
case-email = E-mail
case-description = Descrizione
case-assignee = Assegnatario
case-expert-connected = Esperto collegato
case-customer-connected = Cliente collegato
case-queue-position = Posizione in coda
case-created = Creato
case-expires = Scade
case-closed = Chiuso
case-closed-by = { $at } da { $name }
case-device = Dispositivo
case-hostname = Nome host
case-os = Sistema operativo
case-app-version = Versione dell’app
case-locale = Impostazioni locali
case-locale-named = { $language } ({ $locale })
case-session = Sessione
case-session-not-connected = Non collegato.
case-connect = Collegati
case-leave = Esci
case-screen-not-shared = Lo schermo del cliente non è condiviso.
case-view-screen = Vedi schermo
case-request-control = Chiedi il controllo
case-stop-screen = Interrompi
case-screen-label = Lo schermo del cliente
case-chat = Chat
case-chat-message = Messaggio
case-chat-placeholder = Scriva al cliente
case-chat-send = Invia
case-actions = Azioni
case-assign-to-me = Assegna a me
case-assign-to = Assegna a
case-assign = Assegna
case-unassign = Rimuovi assegnazione
case-close-confirm = Chiudere questo caso?
case-close = Chiudi caso
case-final = Questo caso è { $state }; non si può fare altro.
case-history = Cronologia

## Un nuovo caso

new-case-title = Nuovo caso
new-case-heading = Nuovo caso manuale
new-case-intro = Crei un caso per un cliente al telefono, poi gli legga il codice: lo inserirà nell’app.
new-case-group = Gruppo
new-case-customer-name = Nome del cliente (facoltativo)
new-case-customer-email = E-mail del cliente (facoltativa)
new-case-description = Descrizione (facoltativa)
new-case-create = Crea caso
case-created-title = Caso creato
case-created-heading = Legga questo codice al cliente
case-created-code-label = Codice di sessione { $code }
case-created-how = Il cliente apre l’app, sceglie «Ha un codice dal suo esperto?» e lo digita.
case-created-lapse = Il codice vale per { $duration }. Se nessuno si collega entro allora, il caso scade; ne crei uno nuovo.
case-created-open = Apri il caso

## Impostazioni: e-mail e lingua

settings-title = E-mail
settings-heading = E-mail
settings-email-off = Questo server non invia ancora e-mail: un amministratore imposta smtp_url nella configurazione. La sua scelta viene conservata per allora.
settings-saved = Salvato.
settings-email-intro = Oltre agli avvisi della console, invia un’e-mail a { $email } quando:
settings-email-queued = un caso attende in uno dei miei gruppi e nessuno è disponibile
settings-email-assigned = mi viene assegnato un caso
settings-email-overdue = un cliente di uno dei miei gruppi attende da più del tempo di avviso del gruppo
settings-save = Salva
settings-email-note = Ogni e-mail rimanda al caso nella console; non contiene mai il codice di sessione del cliente.
settings-language-heading = Lingua
settings-language-label = Lingua della console e delle mie e-mail
settings-language-browser = Quella richiesta dal mio browser
settings-language-save = Salva la lingua
settings-language-saved = Lingua salvata.
settings-language-invalid = La console non parla «{ $language }»; scelga una delle lingue elencate.

## Errori

page-error-not-found = Non trovato
page-error-forbidden = Non consentito
page-error-conflict = Non è possibile ora
page-error-slow-down = Rallenti
page-error-internal = Qualcosa è andato storto
page-error-refused = Non è possibile
page-error-back = Indietro
page-error-csrf = Questo modulo è scaduto o non proviene dalla console (controllo CSRF non riuscito); ricarichi la pagina e riprovi.
page-error-admins-only = Questa pagina è riservata agli amministratori.
page-error-wait = Troppi tentativi in poco tempo. Riprova tra { $seconds ->
        [one] { $seconds } secondo.
       *[other] { $seconds } secondi.
    }
page-error-gone = Non esiste più, oppure non hai il permesso di vederlo.
page-error-case-final = Questo caso è { $state }: non accetta più modifiche.
page-error-email-taken = Esiste già un esperto con questo indirizzo e-mail.
page-error-group-name-taken = Esiste già un gruppo con questo nome.
page-error-not-saved = Non è stato salvato nulla: il server non è riuscito a scrivere la modifica in questo momento. Riprova tra poco.
page-error-password-length = Una password ha da { $min } a { $max } caratteri.
page-error-name-length = Un nome ha da 1 a 100 caratteri.
page-error-field = Controlla «{ $field }»: questo valore non è accettato.
page-error-own-standing = Non puoi disattivare te stesso né rinunciare al tuo ruolo di amministratore; chiedi a un altro amministratore.
page-error-not-your-group = Puoi aprire casi solo nei tuoi gruppi.
page-error-period-date = «{ $value }» non è una data: scrivila come AAAA-MM-GG.
page-error-period-backwards = Il periodo finisce prima di cominciare: controlla le date.
page-error-period-days = Un periodo dura al massimo { $days } giorni; scegline uno più breve.
page-error-period-too-long = Il periodo contiene più di { $max } casi; scegline uno più breve.

## Lo script della console

script-state-new = { state-new }
script-state-pending = { state-pending }
script-state-in_progress = { state-in_progress }
script-state-closed = { state-closed }
script-state-expired = { state-expired }
script-yes = { yes }
script-no = { no }
script-sound-on = Audio attivo
script-sound-off = Audio disattivato
script-alert-new = Nuovo caso in { $group }
script-alert-new-body = { $name } è in attesa; nessuno ha preso il caso.
script-alert-overdue = Ancora in attesa in { $group }
script-alert-overdue-seconds = { $name } attende da più di { $seconds ->
        [one] { $seconds } secondo
       *[other] { $seconds } secondi
    }.
script-alert-overdue-minutes = { $name } attende da più di { $minutes ->
        [one] { $minutes } minuto
       *[other] { $minutes } minuti
    }.
script-alert-assigned = Le è stato assegnato un caso
script-alert-assigned-body = { $name } ({ $group })
script-session-in = In sessione con il cliente.
script-session-waiting = Collegato; in attesa che il cliente si unisca.
script-session-not-connected = { case-session-not-connected }
script-session-lost = Connessione persa; nuovo tentativo tra { $seconds } s…
script-session-connecting = Connessione in corso…
script-screen-not-shared = { case-screen-not-shared }
script-screen-other-expert = { $name } sta lavorando con lo schermo del cliente.
script-screen-another-expert = Un altro esperto sta lavorando con lo schermo del cliente.
script-screen-waiting-share = In attesa che il cliente condivida lo schermo…
script-screen-paused = Il cliente ha messo in pausa la condivisione.
script-screen-waiting-control = In attesa che il cliente consenta il controllo…
script-screen-control = Lei controlla mouse e tastiera del cliente. Faccia clic sull’immagine, poi digiti.
script-screen-viewing = Visualizzazione dello schermo del cliente (sola visione).
script-screen-ended = Condivisione dello schermo terminata.

## Amministrazione: esperti

experts-heading = Esperti
experts-col-name = Nome
experts-col-email = E-mail
experts-col-role = Ruolo
experts-col-status = Stato
experts-col-groups = Gruppi
experts-col-change = Modifica
experts-deactivate = Disattiva
experts-activate = Attiva
experts-make-expert = Rendi esperto
experts-make-admin = Rendi amministratore
experts-new-password-for = Nuova password per { $name }
experts-new-password-placeholder = nuova password
experts-reset-password = Reimposta password
experts-add-heading = Aggiungi un esperto
experts-email = E-mail
experts-name = Nome mostrato ai clienti
experts-password = Password (almeno { $min } caratteri)
experts-group = Gruppo
experts-no-group = Nessuno per ora
experts-admin = Amministratore
experts-add = Aggiungi esperto
role-admin = amministratore
role-expert = esperto
expert-status-deactivated = disattivato
expert-status-available = disponibile
expert-status-away = assente

## Amministrazione: gruppi

groups-heading = Gruppi
groups-policy = Assegnazione automatica
policy-off = Disattivata: gli esperti prendono i casi a mano
policy-round_robin = A turno tra gli esperti disponibili
policy-least_busy = L’esperto disponibile meno occupato
groups-save = Salva
groups-alert = Avvisa quando un cliente attende più di (secondi)
groups-members = Membri:
groups-no-members = nessuno
groups-remove = Rimuovi
groups-add-member = Aggiungi membro
groups-add = Aggiungi
groups-add-heading = Aggiungi un gruppo
groups-name = Nome
groups-add-group = Aggiungi gruppo

## Amministrazione: distribuzioni e token API

deployments-heading = Distribuzioni
deployments-intro = Una distribuzione è ciò che l’IT fornisce con l’app SOS: l’indirizzo del server e una chiave che può creare casi solo in un gruppo.
deployments-col-name = Nome
deployments-col-group = Gruppo
deployments-col-url = URL del server
col-created = Creato
col-status = Stato
col-actions = Azioni
deployments-download = Scarica il file di distribuzione
deployments-revoke-confirm = Revocare questa distribuzione? Le app installate non potranno più chiedere aiuto.
revoke = Revoca
deployments-new-heading = Nuova distribuzione
deployments-name = Nome (anche il nome dell’azienda nell’app)
deployments-group = I casi arrivano nel gruppo
deployments-url = URL del server usato dalle app
deployments-create = Crea distribuzione
status-active = attivo
status-revoked = revocato { $at }
deployment-created-title = Distribuzione creata
deployment-created-heading = Distribuzione «{ $name }» creata
deployment-created-key = La chiave è mostrata solo questa volta; si trova anche nel file di distribuzione qui sotto, che potrà scaricare di nuovo in seguito.
deployment-created-file = File di distribuzione
deployment-created-ship = Distribuirla
deployment-created-ship-how = Crei programmi di installazione personalizzati che contengono il file, oppure installi il pacchetto generico e metta il file nella posizione di sistema, che prevale su uno incluso. Salvi il file come deployment.toml; docs/deploying.md nel repository di Lifeline contiene i dettagli.
deployment-created-back = Torna alle distribuzioni
tokens-heading = Token API
tokens-intro = I token permettono alle integrazioni di agire come un esperto tramite l’API. Un nuovo token è mostrato una sola volta.
tokens-col-expert = Esperto
tokens-new-heading = Nuovo token
tokens-for = Per l’esperto
tokens-create = Crea token

## Amministrazione: webhook

webhooks-heading = Webhook
webhooks-intro = Ogni modifica di un caso a cui un endpoint è iscritto gli viene inviata via POST come JSON, firmata come prevede la specifica Standard Webhooks (intestazioni webhook-id, webhook-timestamp, webhook-signature). Le consegne non riuscite vengono ritentate per un giorno con lo stesso id evento; un endpoint che fallisce per un giorno viene disattivato.
webhooks-col-url = URL
webhooks-col-events = Eventi
webhooks-deliveries = Registro consegne
webhooks-disable = Disattiva
webhooks-enable = Attiva
webhooks-delete-confirm = Eliminare questo endpoint e i suoi eventi non consegnati?
webhooks-delete = Elimina
webhooks-new-heading = Nuovo endpoint
webhooks-url = URL (http:// o https://)
webhooks-events = Eventi
webhooks-add = Aggiungi endpoint
webhook-status-disabled = disattivato
webhook-status-failing = in errore dal { $at }
webhook-status-enabled = attivo
webhook-created-title = Webhook aggiunto
webhook-created-heading = Endpoint aggiunto
webhook-created-secret = Gli eventi vanno a { $url }. Il suo segreto di firma è mostrato solo questa volta: lo consegni al destinatario, che con esso verifica la webhook-signature di ogni richiesta.
webhooks-back = Torna ai webhook
deliveries-title = Consegne del webhook
deliveries-heading = Consegne a { $url }
deliveries-intro = Gli ultimi eventi, dal più recente.
deliveries-col-event = Evento
deliveries-col-type = Tipo
deliveries-col-case = Caso
deliveries-col-when = Quando
deliveries-col-attempts = Tentativi
deliveries-col-outcome = Esito

## Amministrazione: registro di controllo e report

audit-heading = Registro di controllo
audit-intro = Accessi (anche non riusciti) e ogni modifica a esperti, gruppi, token API e distribuzioni: chi, quando e da dove. Dal più recente.
audit-action = Azione
audit-any = Qualsiasi
show = Mostra
audit-col-when = Quando
audit-col-action = Azione
audit-col-who = Chi
audit-col-from = Da
audit-col-what = Cosa
audit-col-detail = Dettaglio
audit-older = Voci precedenti
reports-heading = Report
reports-intro = Casi creati dal { $from } al { $to } (giorni UTC, entrambi inclusi): quanto i clienti hanno atteso dalla richiesta all’assegnazione a un esperto, alla prima connessione con un esperto e alla chiusura. Mediana e 90° percentile (rango più vicino) sui casi arrivati fin lì.
reports-from = Dal
reports-to = Al
reports-csv = Scarica CSV
reports-empty = Nessun caso in questo periodo.
reports-col-name = Nome
reports-col-cases = Casi
reports-col-expired = Scaduti
reports-col-to-assign = Fino all’assegnazione
reports-col-to-connect = Fino alla prima connessione
reports-col-to-close = Fino alla chiusura
reports-col-median = Mediana
reports-col-p90 = p90
reports-per-group = Per gruppo
reports-per-expert = Per esperto

## Cronologia di un caso

history-created = creato
history-assigned = assegnato
history-unassigned = assegnazione rimossa
history-claimed = preso in carico
history-edited = modificato
history-joined = collegato
history-left = uscito
history-closed = chiuso
history-expired = scaduto
history-screen_requested = schermo richiesto
history-screen_shared = schermo condiviso
history-screen_declined = schermo rifiutato
history-screen_paused = schermo in pausa
history-screen_resumed = schermo ripreso
history-screen_stopped = schermo interrotto
history-control_requested = controllo richiesto
history-control_granted = controllo concesso
history-control_declined = controllo rifiutato
history-control_revoked = controllo revocato
history-by = da { $actor }
history-to-by = a { $assignee } da { $actor }
history-by-detail = da { $actor } — { $detail }

## E-mail: testo semplice, nella lingua che l'esperto ha scelto per la console

email-customer-unnamed = Un cliente
email-queued-subject = { $customer } è in attesa in { $group } e nessuno è disponibile
email-assigned-subject = Ti è stato assegnato un caso in { $group }: { $customer }
email-overdue-subject = { $customer } aspetta da troppo tempo in { $group }
email-waited = In attesa da { $minutes } min.
email-open = Apri: { $link }
email-no-link = il caso { $case } nella coda della console (imposta public_url per avere un link)
email-why = Hai scelto questa e-mail nella console di Lifeline (impostazioni e-mail).
email-webhook-subject = Lifeline ha smesso di inviare webhook a { $url }
email-webhook-body = Tutte le consegne all'endpoint webhook { $url } sono fallite per un giorno, quindi Lifeline lo ha disattivato e non gli accoda più nulla.
email-webhook-enable = Quando il ricevitore torna a funzionare, attiva l'endpoint in { $page } (oppure con POST /api/v1/webhooks/{ $id }/enable): ciò che era in coda prima della disattivazione viene inviato allora, con gli id evento originali; le modifiche fatte mentre è disattivato non gli vengono inviate.
email-webhook-page = la pagina Webhook della console
email-webhook-why = Ricevi questa e-mail perché sei amministratore di questo server Lifeline.
