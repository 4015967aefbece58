# L'app desktop: finestra, menu dell'area di notifica, notifiche e
# collegamento SOS. Si dà del tu, come nelle interfacce di oggi.

## Titolo, area di notifica, collegamento

window-title = { $company } — Assistenza
window-title-sharing = ● Stai condividendo lo schermo — { $title }
tray-request = Chiedi assistenza
tray-show = Mostra
tray-quit = Esci
tray-sharing = Il tuo schermo è condiviso — mostra la finestra
shortcut-comment = Chiedi assistenza a { $company }

## Notifiche

notify-assigned-title = Ti è stato assegnato un tecnico
notify-assigned-body = { $name } ti aiuterà a breve.
notify-connect-title = Il tecnico vuole collegarsi
notify-connect-body = { $name } è pronto per te. Apri la finestra di assistenza per partecipare.
notify-closed-title = La tua richiesta di assistenza è chiusa
notify-closed-body = Il tecnico ha chiuso la tua richiesta. Chiedi di nuovo se hai ancora bisogno di aiuto.
notify-expired-title = La tua richiesta di assistenza è scaduta
notify-expired-body = Nessuno l'ha chiusa in tempo. Chiedi di nuovo se hai ancora bisogno di aiuto.
notify-screen-title = Il tecnico vuole vedere il tuo schermo
notify-screen-body = { $name } chiede di vedere il tuo schermo. Apri la finestra di assistenza per rispondere.
notify-control-title = Il tecnico vuole usare il tuo mouse e la tua tastiera
notify-control-body = { $name } chiede di controllare questo computer. Apri la finestra di assistenza per rispondere.

## La finestra

app-heading = Assistenza di { $company }
app-starting = Avvio in corso…
idle-intro = Ti serve una mano? Chiedi assistenza e un tecnico di { $company } ti contatterà.
idle-request = Chiedi assistenza
requesting = Richiesta di assistenza in corso…
code-label = Il tuo codice di sessione
code-hint = Leggi questo codice al tecnico se te lo chiede.
code-copy = Copia il codice
code-copied = Codice copiato
code-copy-failed = Impossibile copiare. Seleziona il codice e copialo tu.
status-label = Stato
status-waiting-title = In attesa di un tecnico
status-waiting-next = Sei il numero { $position } in coda. Un tecnico prenderà in carico la tua richiesta a breve; nel frattempo puoi continuare a lavorare.
status-waiting-next-unknown = La tua richiesta è in coda. Un tecnico la prenderà in carico a breve; nel frattempo puoi continuare a lavorare.
status-assigned-title = Ti è stato assegnato un tecnico
status-assigned-next = { $name } si sta occupando della tua richiesta e si collegherà a breve.
status-connect-title = Il tecnico vuole collegarsi
status-connect-next = { $name } è pronto. Partecipa alla sessione quando vuoi.
status-in-session-title = In sessione
status-in-session-next = Sei collegato con { $name }.
status-closed-title = Richiesta chiusa
status-closed-next = Questa richiesta è chiusa. Se hai ancora bisogno di aiuto, chiedi di nuovo.
status-cancelled-next = Hai annullato questa richiesta. Se hai ancora bisogno di aiuto, chiedi di nuovo.
status-expired-title = Richiesta scaduta
status-expired-next = Nessuno ha chiuso questa richiesta in tempo. Se hai ancora bisogno di aiuto, chiedi di nuovo.
status-expert-unknown = il tecnico
assignee-label = Il tuo tecnico
description-label = Per cosa ti serve aiuto? (facoltativo)
description-save = Salva la descrizione
description-saved = Descrizione salvata
cancel-button = Annulla la richiesta
cancel-question = Annullare la richiesta di assistenza? I tecnici non la vedranno più.
cancel-yes = Sì, annullala
cancel-no = No, tienila
cancel-done = La tua richiesta è stata annullata.
again-button = Chiedi di nuovo assistenza
join-toggle = Hai un codice dal tecnico? Inseriscilo
join-label = Codice di sessione (9 cifre)
join-submit = Partecipa
offline-unreachable = Impossibile raggiungere { $host } — nuovo tentativo tra { $seconds ->
        [one] { $seconds } secondo
       *[other] { $seconds } secondi
    }
offline-rate-limited = { $host } è sovraccarico — nuovo tentativo tra { $seconds ->
        [one] { $seconds } secondo
       *[other] { $seconds } secondi
    }
offline-server-error = { $host } ha un problema — nuovo tentativo tra { $seconds ->
        [one] { $seconds } secondo
       *[other] { $seconds } secondi
    }
offline-now = Impossibile raggiungere { $host } — nuovo tentativo in corso…
broken-title = Questa app non è configurata correttamente
broken-body = Non può chiedere assistenza perché il suo file di distribuzione manca o è danneggiato. Avvisa il reparto IT e mostragli questo messaggio:

## La sessione dal vivo e lo schermo

session-title = Sessione con il tecnico
session-invite = { $name } vuole collegarsi
session-join = Partecipa
session-not-now = Non ora
session-start = Avvia una sessione con il tecnico
session-message-label = Messaggio per il tecnico
session-send = Invia
session-leave = Esci dalla sessione
session-reconnecting = Connessione persa — riconnessione in corso…
session-me = Tu
screen-request = { $name } vuole vedere il tuo schermo (solo visione)
screen-share = Condividi
screen-not-now = Non ora
screen-control-request = { $name } vuole usare il tuo mouse e la tua tastiera
screen-control-allow = Consenti
screen-sharing = { $name } vede il tuo schermo
screen-paused = Condivisione in pausa: { $name } non vede nulla di nuovo
screen-controlled = { $name } sta usando il tuo mouse e la tua tastiera
screen-pause = Pausa
screen-resume = Riprendi
screen-stop = Interrompi la condivisione
screen-take-back = Riprendi il controllo (Esc)
screen-unavailable = La condivisione dello schermo non è ancora disponibile su questo sistema.

## Errori

error-invalid-code = Non è un codice di 9 cifre. Controllalo e riprova.
error-not-found = Nessuna richiesta aperta ha questo codice. Verificalo con il tecnico.
error-invalid-description = La descrizione è troppo lunga o contiene caratteri non consentiti.
error-unreachable = Impossibile raggiungere il server di assistenza. Riprova tra un momento.
error-rate-limited = Troppi tentativi. Attendi un momento e riprova.
error-unauthorized = Il server di assistenza ha rifiutato questa app. Avvisa il reparto IT.
error-conflict = Questa richiesta è già chiusa.
error-busy = Una richiesta è già in corso. Attendi, per favore.
error-no-case = Non c'è nessuna richiesta aperta.
error-invalid-message = Il messaggio è vuoto o troppo lungo.
error-no-session = Non sei in una sessione.
error-validation = Il messaggio è vuoto o troppo lungo.
error-screen-unavailable = La condivisione dello schermo non è ancora disponibile su questo sistema.
error-screen-lapsed = Quella richiesta è scaduta. Il tecnico può chiedere di nuovo.
error-server-too-old = Il server di assistenza non è aggiornato per questa app. Avvisa il reparto IT: il server va aggiornato.
error-server-too-new = Questa app è troppo vecchia per il server di assistenza. Avvisa il reparto IT: l'app va aggiornata.
error-forbidden = Il server di assistenza non lo consente. Avvisa il reparto IT.
error-payload-too-large = È troppo lungo per il server di assistenza. Accorcialo e riprova.
error-internal = Il server di assistenza ha un problema. Riprova tra un momento.
error-refused = Il server di assistenza ha rifiutato la richiesta. Riprova tra un momento; se succede ancora, avvisa il reparto IT.
error-state = L'app non riesce a salvare i suoi dati su questo computer (il disco è pieno?). Avvisa il reparto IT.
error-screen-not-shared = Il tuo schermo non è condiviso.
error-other = Qualcosa è andato storto: { $message }
