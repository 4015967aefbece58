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
settings-language-label = Idioma de la consola y de mis correos
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
page-error-wait = Demasiados intentos en poco tiempo. Vuelve a intentarlo dentro de { $seconds ->
        [one] { $seconds } segundo.
       *[other] { $seconds } segundos.
    }
page-error-gone = Ya no existe, o no tienes permiso para verlo.
page-error-case-final = Este caso está { $state }: ya no admite cambios.
page-error-email-taken = Ya existe un experto con esta dirección de correo.
page-error-group-name-taken = Ya existe un grupo con este nombre.
page-error-not-saved = No se guardó nada: el servidor no pudo escribir el cambio en este momento. Vuelve a intentarlo enseguida.
page-error-password-length = Una contraseña tiene de { $min } a { $max } caracteres.
page-error-name-length = Un nombre tiene de 1 a 100 caracteres.
page-error-field = Revisa «{ $field }»: este valor no se acepta.
page-error-own-standing = No puedes desactivarte a ti mismo ni renunciar a tu propio rol de administrador; pídeselo a otro administrador.
page-error-not-your-group = Solo puedes abrir casos en tus propios grupos.
page-error-period-date = «{ $value }» no es una fecha: escríbela como AAAA-MM-DD.
page-error-period-backwards = El período termina antes de empezar: revisa las fechas.
page-error-period-days = Un período dura como máximo { $days } días; elige uno más corto.
page-error-period-too-long = El período contiene más de { $max } casos; elige uno más corto.

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

## Administración: expertos

experts-heading = Expertos
experts-col-name = Nombre
experts-col-email = Correo electrónico
experts-col-role = Rol
experts-col-status = Estado
experts-col-groups = Grupos
experts-col-change = Cambiar
experts-deactivate = Desactivar
experts-activate = Activar
experts-make-expert = Hacer experto
experts-make-admin = Hacer administrador
experts-new-password-for = Nueva contraseña para { $name }
experts-new-password-placeholder = nueva contraseña
experts-reset-password = Restablecer contraseña
experts-add-heading = Añadir un experto
experts-email = Correo electrónico
experts-name = Nombre que ven los clientes
experts-password = Contraseña (al menos { $min } caracteres)
experts-group = Grupo
experts-no-group = Ninguno todavía
experts-admin = Administrador
experts-add = Añadir experto
role-admin = administrador
role-expert = experto
expert-status-deactivated = desactivado
expert-status-available = disponible
expert-status-away = ausente

## Administración: grupos

groups-heading = Grupos
groups-policy = Asignación automática
policy-off = Desactivada: los expertos toman los casos a mano
policy-round_robin = Por turnos entre los expertos disponibles
policy-least_busy = El experto disponible menos ocupado
groups-save = Guardar
groups-alert = Avisar cuando un cliente espere más de (segundos)
groups-members = Miembros:
groups-no-members = ninguno
groups-remove = Quitar
groups-add-member = Añadir miembro
groups-add = Añadir
groups-add-heading = Añadir un grupo
groups-name = Nombre
groups-add-group = Añadir grupo

## Administración: despliegues y tokens de API

deployments-heading = Despliegues
deployments-intro = Un despliegue es lo que TI distribuye con la aplicación SOS: la dirección del servidor y una clave que solo puede crear casos en un grupo.
deployments-col-name = Nombre
deployments-col-group = Grupo
deployments-col-url = URL del servidor
col-created = Creado
col-status = Estado
col-actions = Acciones
deployments-download = Descargar archivo de despliegue
deployments-revoke-confirm = ¿Revocar este despliegue? Las aplicaciones instaladas dejarán de poder pedir ayuda.
revoke = Revocar
deployments-new-heading = Nuevo despliegue
deployments-name = Nombre (también el nombre de la empresa en la aplicación)
deployments-group = Los casos llegan al grupo
deployments-url = URL del servidor que usan las aplicaciones
deployments-create = Crear despliegue
status-active = activo
status-revoked = revocado { $at }
deployment-created-title = Despliegue creado
deployment-created-heading = Despliegue «{ $name }» creado
deployment-created-key = La clave se muestra solo esta vez; también está en el archivo de despliegue de abajo, que puede volver a descargar más tarde.
deployment-created-file = Archivo de despliegue
deployment-created-ship = Distribuirlo
deployment-created-ship-how = Cree instaladores con su marca que incluyan el archivo, o instale el paquete genérico y coloque el archivo en la ubicación de todo el sistema, que prevalece sobre uno incluido. Guarde el archivo como deployment.toml; docs/deploying.md en el repositorio de Lifeline tiene los detalles.
deployment-created-back = Volver a los despliegues
tokens-heading = Tokens de API
tokens-intro = Los tokens permiten que las integraciones actúen como un experto a través de la API. Un token nuevo se muestra una sola vez.
tokens-col-expert = Experto
tokens-new-heading = Nuevo token
tokens-for = Para el experto
tokens-create = Crear token

## Administración: webhooks

webhooks-heading = Webhooks
webhooks-intro = Cada cambio de un caso al que se suscribe un punto de conexión se le envía por POST como JSON, firmado según la especificación Standard Webhooks (cabeceras webhook-id, webhook-timestamp, webhook-signature). Las entregas fallidas se reintentan durante un día con el mismo id de evento; un punto de conexión que falla durante un día se desactiva.
webhooks-col-url = URL
webhooks-col-events = Eventos
webhooks-deliveries = Registro de entregas
webhooks-disable = Desactivar
webhooks-enable = Activar
webhooks-delete-confirm = ¿Eliminar este punto de conexión y sus eventos no entregados?
webhooks-delete = Eliminar
webhooks-new-heading = Nuevo punto de conexión
webhooks-url = URL (http:// o https://)
webhooks-events = Eventos
webhooks-add = Añadir punto de conexión
webhook-status-disabled = desactivado
webhook-status-failing = fallando desde { $at }
webhook-status-enabled = activado
webhook-created-title = Webhook añadido
webhook-created-heading = Punto de conexión añadido
webhook-created-secret = Los eventos van a { $url }. Su secreto de firma se muestra solo esta vez: entrégueselo al receptor, que verifica con él la webhook-signature de cada solicitud.
webhooks-back = Volver a los webhooks
deliveries-title = Entregas del webhook
deliveries-heading = Entregas a { $url }
deliveries-intro = Los últimos eventos, los más recientes primero.
deliveries-col-event = Evento
deliveries-col-type = Tipo
deliveries-col-case = Caso
deliveries-col-when = Cuándo
deliveries-col-attempts = Intentos
deliveries-col-outcome = Resultado

## Administración: registro de auditoría e informes

audit-heading = Registro de auditoría
audit-intro = Inicios de sesión (también los fallidos) y cada cambio en expertos, grupos, tokens de API y despliegues: quién, cuándo y desde dónde. Los más recientes primero.
audit-action = Acción
audit-any = Cualquiera
show = Mostrar
audit-col-when = Cuándo
audit-col-action = Acción
audit-col-who = Quién
audit-col-from = Desde
audit-col-what = Qué
audit-col-detail = Detalle
audit-older = Entradas anteriores
reports-heading = Informes
reports-intro = Casos creados del { $from } al { $to } (días UTC, ambos incluidos): cuánto esperaron los clientes desde su solicitud hasta la asignación a un experto, hasta la primera conexión con un experto y hasta el cierre. Mediana y percentil 90 (rango más cercano) sobre los casos que llegaron hasta ahí.
reports-from = Desde
reports-to = Hasta
reports-csv = Descargar CSV
reports-empty = No hay casos en este período.
reports-col-name = Nombre
reports-col-cases = Casos
reports-col-expired = Caducados
reports-col-to-assign = Hasta la asignación
reports-col-to-connect = Hasta la primera conexión
reports-col-to-close = Hasta el cierre
reports-col-median = Mediana
reports-col-p90 = p90
reports-per-group = Por grupo
reports-per-expert = Por experto

## Historial de un caso

history-created = creado
history-assigned = asignado
history-unassigned = sin asignar
history-claimed = tomado
history-edited = editado
history-joined = se unió
history-left = salió
history-closed = cerrado
history-expired = caducado
history-screen_requested = pantalla solicitada
history-screen_shared = pantalla compartida
history-screen_declined = pantalla rechazada
history-screen_paused = pantalla en pausa
history-screen_resumed = pantalla reanudada
history-screen_stopped = pantalla detenida
history-control_requested = control solicitado
history-control_granted = control concedido
history-control_declined = control rechazado
history-control_revoked = control retirado
history-by = por { $actor }
history-to-by = a { $assignee } por { $actor }
history-by-detail = por { $actor } — { $detail }

## Correos: texto plano, en el idioma que el experto eligió para la consola

email-customer-unnamed = Un cliente
email-queued-subject = { $customer } espera en { $group } y no hay nadie disponible
email-assigned-subject = Se te ha asignado un caso en { $group }: { $customer }
email-overdue-subject = { $customer } lleva demasiado tiempo esperando en { $group }
email-waited = Esperando desde hace { $minutes } min.
email-open = Abrir: { $link }
email-no-link = el caso { $case } en la cola de la consola (configura public_url para tener un enlace)
email-why = Elegiste este correo en la consola de Lifeline (Correo).
email-webhook-subject = Lifeline dejó de enviar webhooks a { $url }
email-webhook-body = Todas las entregas al endpoint de webhook { $url } fallaron durante un día, así que Lifeline lo desactivó y no le pone nada más en cola.
email-webhook-enable = Cuando el receptor vuelva a funcionar, activa el endpoint en { $page } (o con POST /api/v1/webhooks/{ $id }/enable): entonces se envía lo que tenía en cola antes de desactivarse, con los ids de evento originales; los cambios hechos mientras está desactivado no se le envían.
email-webhook-page = la página Webhooks de la consola
email-webhook-why = Recibes este correo porque eres administrador de este servidor de Lifeline.
