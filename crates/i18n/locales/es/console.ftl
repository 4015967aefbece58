# La consola de expertos: sus páginas, sus avisos y su script.
# Marcadores como en el archivo inglés (locales/en/console.ftl).

## El marco de la página

console-title = { $page } · Consola de Lifeline
skip-to-main = Saltar al contenido principal
nav-label = Principal
nav-queue = Cola
nav-new-case = Nuevo caso
nav-settings = Correo
nav-experts = Expertos
nav-groups = Grupos
nav-deployments = Despliegues
nav-tokens = Tokens de API
nav-webhooks = Webhooks
nav-reports = Informes
nav-audit = Registro de auditoría
notify-permission = Activar notificaciones
availability-available = Disponible
availability-away = Ausente
availability-go-away = Ausentarse
availability-become-available = Ponerse disponible
sign-out = Cerrar sesión
none = —

## Iniciar sesión

sign-in-title = Iniciar sesión
sign-in-heading = Inicie sesión en la cola de servicio
sign-in-email = Correo electrónico
sign-in-password = Contraseña
sign-in-button = Iniciar sesión
sign-in-bad-email = Escriba la dirección de correo con la que inicia sesión.
sign-in-wrong-length = Correo o contraseña incorrectos (las contraseñas tienen de { $min } a { $max } caracteres).
sign-in-wrong = Correo o contraseña incorrectos.
sign-in-slowed = Demasiados intentos fallidos para esta dirección. Vuelva a intentarlo en { $duration }.

## Intervalos de tiempo

duration-seconds = { $seconds } s
duration-minutes = { $minutes } min
duration-hours = { $hours } h { $minutes } min

## Estados de los casos y canales

state-new = nuevo
state-pending = pendiente
state-in_progress = en curso
state-closed = cerrado
state-expired = caducado
channel-sos = botón SOS
channel-app = aplicación
channel-manual = manual
channel-api = API
yes = sí
no = no
unassigned = sin asignar

## La cola

queue-title = Cola
queue-heading = Cola de servicio
queue-filters = Filtros
queue-filter-state = Estado
queue-filter-group = Grupo
queue-filter-all-groups = Todos mis grupos
queue-filter-assigned = Asignado
queue-filter-button = Filtrar
filter-state-open = Abiertos
filter-state-new = Nuevos
filter-state-pending = Pendientes
filter-state-in_progress = En curso
filter-state-closed = Cerrados
filter-state-expired = Caducados
filter-state-all = Todos
filter-assignee-any = Cualquiera
filter-assignee-me = Yo
filter-assignee-none = Sin asignar
queue-news-added = Nuevo caso { $code }, { $state }.
queue-news-changed = El caso { $code } ahora está { $state }.
queue-news-removed = El caso { $code } salió de esta lista.
queue-caption = Casos, los más antiguos primero
queue-col-code = Código
queue-col-customer = Cliente
queue-col-description = Descripción
queue-col-channel = Canal
queue-col-state = Estado
queue-col-assignee = Asignado a
queue-col-waiting = Esperando
queue-col-time-left = Tiempo restante
queue-empty = Ningún caso coincide.

## Un caso

case-title = Caso { $code }
case-heading = Caso
case-news-changed = Caso actualizado: { $what }
case-details = Detalles
case-group = Grupo
case-channel = Canal
case-customer = Cliente
case-email = Correo electrónico
case-description = Descripción
case-assignee = Asignado a
case-expert-connected = Experto conectado
case-customer-connected = Cliente conectado
case-queue-position = Posición en la cola
case-created = Creado
case-expires = Caduca
case-closed = Cerrado
case-closed-by = { $at } por { $name }
case-device = Dispositivo
case-hostname = Nombre del equipo
case-os = Sistema operativo
case-app-version = Versión de la aplicación
case-locale = Configuración regional
case-locale-named = { $language } ({ $locale })
case-session = Sesión
case-session-not-connected = Sin conexión.
case-connect = Conectar
case-leave = Salir
case-screen-not-shared = El cliente no comparte su pantalla.
case-view-screen = Ver pantalla
case-request-control = Solicitar control
case-stop-screen = Detener
case-screen-label = La pantalla del cliente
case-chat = Chat
case-chat-message = Mensaje
case-chat-placeholder = Escriba al cliente
case-chat-send = Enviar
case-actions = Acciones
case-assign-to-me = Asignármelo
case-assign-to = Asignar a
case-assign = Asignar
case-unassign = Quitar asignación
case-close-confirm = ¿Cerrar este caso?
case-close = Cerrar caso
case-final = Este caso está { $state }; ya no se puede hacer nada con él.
case-history = Historial

## Un caso nuevo

new-case-title = Nuevo caso
new-case-heading = Nuevo caso manual
new-case-intro = Cree un caso para un cliente que está al teléfono y léale el código: lo introducirá en la aplicación.
new-case-group = Grupo
new-case-customer-name = Nombre del cliente (opcional)
new-case-customer-email = Correo del cliente (opcional)
new-case-description = Descripción (opcional)
new-case-create = Crear caso
case-created-title = Caso creado
case-created-heading = Lea este código al cliente
case-created-code-label = Código de sesión { $code }
case-created-how = El cliente abre la aplicación, elige «¿Tiene un código de su experto?» y lo escribe.
case-created-lapse = El código es válido durante { $duration }. Si nadie se une antes, el caso caduca; cree uno nuevo.
case-created-open = Abrir el caso

## Ajustes: correo e idioma

settings-title = Correo
settings-heading = Correo
settings-email-off = Este servidor todavía no envía correos: un administrador configura smtp_url. Su elección se guarda para entonces.
settings-saved = Guardado.
settings-email-intro = Además de los avisos de la consola, enviar un correo a { $email } cuando:
settings-email-queued = un caso espera en uno de mis grupos y no hay nadie disponible
settings-email-assigned = se me asigna un caso
settings-email-overdue = un cliente de uno de mis grupos ha esperado más que el tiempo de aviso del grupo
settings-save = Guardar
settings-email-note = Cada correo enlaza al caso en la consola; nunca incluye el código de sesión del cliente.
settings-language-heading = Idioma
settings-language-label = Idioma de la consola
settings-language-browser = El que pida mi navegador
settings-language-save = Guardar idioma
settings-language-saved = Idioma guardado.
settings-language-invalid = La consola no habla «{ $language }»; elija uno de los idiomas de la lista.

## Errores

page-error-not-found = No encontrado
page-error-forbidden = No permitido
page-error-conflict = No se puede hacer ahora
page-error-slow-down = Más despacio
page-error-internal = Algo salió mal
page-error-refused = No se puede hacer
page-error-back = Volver
page-error-csrf = Este formulario está desactualizado o no viene de la consola (falló la comprobación CSRF); recargue la página e inténtelo de nuevo.
page-error-admins-only = Esta página es para administradores.

## El script de la consola

script-state-new = { state-new }
script-state-pending = { state-pending }
script-state-in_progress = { state-in_progress }
script-state-closed = { state-closed }
script-state-expired = { state-expired }
script-yes = { yes }
script-no = { no }
script-sound-on = Sonido activado
script-sound-off = Sonido desactivado
script-alert-new = Nuevo caso en { $group }
script-alert-new-body = { $name } está esperando; nadie ha tomado el caso.
script-alert-overdue = Sigue esperando en { $group }
script-alert-overdue-seconds = { $name } lleva esperando más de { $seconds ->
        [one] { $seconds } segundo
       *[other] { $seconds } segundos
    }.
script-alert-overdue-minutes = { $name } lleva esperando más de { $minutes ->
        [one] { $minutes } minuto
       *[other] { $minutes } minutos
    }.
script-alert-assigned = Se le ha asignado un caso
script-alert-assigned-body = { $name } ({ $group })
script-session-in = En sesión con el cliente.
script-session-waiting = Conectado; esperando a que el cliente se una.
script-session-not-connected = { case-session-not-connected }
script-session-lost = Se perdió la conexión; reconectando en { $seconds } s…
script-session-connecting = Conectando…
script-screen-not-shared = { case-screen-not-shared }
script-screen-other-expert = { $name } está trabajando con la pantalla del cliente.
script-screen-another-expert = Otro experto está trabajando con la pantalla del cliente.
script-screen-waiting-share = Esperando a que el cliente comparta la pantalla…
script-screen-paused = El cliente pausó el uso compartido.
script-screen-waiting-control = Esperando a que el cliente permita el control…
script-screen-control = Usted controla el ratón y el teclado del cliente. Haga clic en la imagen y escriba.
script-screen-viewing = Viendo la pantalla del cliente (solo ver).
script-screen-ended = Se terminó de compartir la pantalla.
