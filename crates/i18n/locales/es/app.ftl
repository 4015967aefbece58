# La aplicación de escritorio: ventana, menú de la bandeja, notificaciones y
# acceso directo SOS. Trato de usted.

## Título, bandeja, acceso directo

window-title = { $company } — Ayuda
window-title-sharing = ● Compartiendo su pantalla — { $title }
tray-request = Pedir ayuda
tray-show = Mostrar
tray-quit = Salir
tray-sharing = Su pantalla está compartida — mostrar la ventana
shortcut-comment = Pedir ayuda a { $company }

## Notificaciones

notify-assigned-title = Se le ha asignado un experto
notify-assigned-body = { $name } le ayudará en breve.
notify-connect-title = Su experto quiere conectarse
notify-connect-body = { $name } está listo. Abra la ventana de ayuda para unirse.
notify-closed-title = Su solicitud de ayuda está cerrada
notify-closed-body = El experto cerró su solicitud. Pida ayuda de nuevo si todavía la necesita.
notify-expired-title = Su solicitud de ayuda ha caducado
notify-expired-body = Nadie la cerró a tiempo. Pida ayuda de nuevo si todavía la necesita.
notify-screen-title = Su experto quiere ver su pantalla
notify-screen-body = { $name } pide ver su pantalla. Abra la ventana de ayuda para responder.
notify-control-title = Su experto quiere usar su ratón y su teclado
notify-control-body = { $name } pide controlar este equipo. Abra la ventana de ayuda para responder.

## La ventana

app-heading = Ayuda de { $company }
app-starting = Iniciando…
idle-intro = ¿Necesita una mano? Pida ayuda y un experto de { $company } se pondrá en contacto con usted.
idle-request = Pedir ayuda
requesting = Pidiendo ayuda…
code-label = Su código de sesión
code-hint = Dígale este código a su experto si se lo pide.
code-copy = Copiar código
code-copied = Código copiado
code-copy-failed = No se pudo copiar. Seleccione el código y cópielo usted.
status-label = Estado
status-waiting-title = Esperando a un experto
status-waiting-next = Es el número { $position } de la cola. Un experto atenderá su solicitud pronto; mientras tanto puede seguir trabajando.
status-waiting-next-unknown = Su solicitud está en la cola. Un experto la atenderá pronto; mientras tanto puede seguir trabajando.
status-assigned-title = Se le ha asignado un experto
status-assigned-next = { $name } se ocupa de su solicitud y se conectará con usted en breve.
status-connect-title = Su experto quiere conectarse
status-connect-next = { $name } está listo. Únase a la sesión cuando quiera.
status-in-session-title = En sesión
status-in-session-next = Está conectado con { $name }.
status-closed-title = Solicitud cerrada
status-closed-next = Esta solicitud está cerrada. Si todavía necesita ayuda, pídala de nuevo.
status-cancelled-next = Ha cancelado esta solicitud. Si todavía necesita ayuda, pídala de nuevo.
status-expired-title = Solicitud caducada
status-expired-next = Nadie cerró esta solicitud a tiempo. Si todavía necesita ayuda, pídala de nuevo.
status-expert-unknown = su experto
assignee-label = Su experto
description-label = ¿Con qué necesita ayuda? (opcional)
description-save = Guardar descripción
description-saved = Descripción guardada
cancel-button = Cancelar solicitud
cancel-question = ¿Cancelar su solicitud de ayuda? Los expertos dejarán de verla.
cancel-yes = Sí, cancelarla
cancel-no = No, mantenerla
cancel-done = Su solicitud se ha cancelado.
again-button = Pedir ayuda de nuevo
join-toggle = ¿Tiene un código de su experto? Introdúzcalo
join-label = Código de sesión (9 cifras)
join-submit = Unirse
offline-unreachable = No se puede contactar con { $host } — reintentando en { $seconds ->
        [one] { $seconds } segundo
       *[other] { $seconds } segundos
    }
offline-rate-limited = { $host } está ocupado — reintentando en { $seconds ->
        [one] { $seconds } segundo
       *[other] { $seconds } segundos
    }
offline-server-error = { $host } tiene un problema — reintentando en { $seconds ->
        [one] { $seconds } segundo
       *[other] { $seconds } segundos
    }
offline-now = No se puede contactar con { $host } — reintentando ahora…
broken-title = Esta aplicación no está bien configurada
broken-body = No puede pedir ayuda porque su archivo de despliegue falta o está dañado. Avise a su departamento de informática y muéstreles este mensaje:

## La sesión en directo y la pantalla

session-title = Sesión con su experto
session-invite = { $name } quiere conectarse
session-join = Unirse
session-not-now = Ahora no
session-start = Iniciar una sesión con el experto
session-message-label = Mensaje para su experto
session-send = Enviar
session-leave = Salir de la sesión
session-reconnecting = Conexión perdida — reconectando…
session-me = Usted
screen-request = { $name } quiere ver su pantalla (solo ver)
screen-share = Compartir
screen-not-now = Ahora no
screen-control-request = { $name } quiere usar su ratón y su teclado
screen-control-allow = Permitir
screen-sharing = { $name } puede ver su pantalla
screen-paused = Pantalla compartida en pausa: { $name } no ve nada nuevo
screen-controlled = { $name } está usando su ratón y su teclado
screen-pause = Pausar
screen-resume = Reanudar
screen-stop = Dejar de compartir
screen-take-back = Recuperar el control (Esc)
screen-unavailable = Compartir la pantalla todavía no es posible en este sistema.

## Errores

error-invalid-code = Eso no es un código de 9 cifras. Compruébelo e inténtelo de nuevo.
error-not-found = Ninguna solicitud abierta tiene ese código. Compruébelo con su experto.
error-invalid-description = La descripción es demasiado larga o tiene caracteres no permitidos.
error-unreachable = No se puede contactar con el servidor de ayuda. Inténtelo de nuevo en un momento.
error-rate-limited = Demasiados intentos. Espere un momento e inténtelo de nuevo.
error-unauthorized = El servidor de ayuda rechazó esta aplicación. Avise a su departamento de informática.
error-conflict = Esta solicitud ya está cerrada.
error-busy = Ya hay una solicitud en camino. Espere, por favor.
error-no-case = No hay ninguna solicitud abierta.
error-invalid-message = El mensaje está vacío o es demasiado largo.
error-no-session = No está en una sesión.
error-validation = El mensaje está vacío o es demasiado largo.
error-screen-unavailable = Compartir la pantalla todavía no es posible en este sistema.
error-screen-lapsed = Esa petición caducó. Su experto puede volver a pedirlo.
error-server-too-old = El servidor de ayuda está desactualizado para esta aplicación. Avise a su departamento de informática: hay que actualizar el servidor.
error-server-too-new = Esta aplicación es demasiado antigua para el servidor de ayuda. Avise a su departamento de informática: hay que actualizar la aplicación.
error-forbidden = El servidor de ayuda no permite esto. Avise a su departamento de informática.
error-payload-too-large = Es demasiado largo para el servidor de ayuda. Acórtelo e inténtelo de nuevo.
error-internal = El servidor de ayuda tiene un problema. Inténtelo de nuevo en un momento.
error-refused = El servidor de ayuda rechazó la petición. Inténtelo de nuevo en un momento; si sigue ocurriendo, avise a su departamento de informática.
error-state = La aplicación no puede guardar sus datos en este equipo (¿está lleno el disco?). Avise a su departamento de informática.
error-screen-not-shared = Su pantalla no se está compartiendo.
error-other = Algo ha fallado: { $message }
