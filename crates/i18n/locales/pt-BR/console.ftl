# O console dos especialistas: suas páginas, seus avisos e seu script.
# Marcadores como no arquivo em inglês (locales/en/console.ftl).
# Tratamento por "você", como em app.ftl.

## A moldura da página

console-title = { $page } · Console do Lifeline
skip-to-main = Pular para o conteúdo principal
nav-label = Principal
nav-queue = Fila
nav-new-case = Novo caso
nav-settings = E-mail
nav-experts = Especialistas
nav-groups = Grupos
nav-deployments = Implantações
nav-tokens = Tokens de API
nav-webhooks = Webhooks
nav-reports = Relatórios
nav-audit = Registro de auditoria
notify-permission = Ativar notificações
availability-available = Disponível
availability-away = Ausente
availability-go-away = Ficar ausente
availability-become-available = Ficar disponível
sign-out = Sair
none = —

## Entrar

sign-in-title = Entrar
sign-in-heading = Entre na fila de atendimento
sign-in-email = E-mail
sign-in-password = Senha
sign-in-button = Entrar
sign-in-bad-email = Informe o endereço de e-mail com que você entra.
sign-in-wrong-length = E-mail ou senha incorretos (as senhas têm de { $min } a { $max } caracteres).
sign-in-wrong = E-mail ou senha incorretos.
sign-in-slowed = Muitas tentativas de entrada falharam para este endereço. Tente novamente em { $duration }.

## Intervalos de tempo

duration-seconds = { $seconds } s
duration-minutes = { $minutes } min
duration-hours = { $hours } h { $minutes } min

## Estados dos casos e canais

state-new = novo
state-pending = pendente
state-in_progress = em andamento
state-closed = fechado
state-expired = expirado
channel-sos = botão SOS
channel-app = aplicativo
channel-manual = manual
channel-api = API
yes = sim
no = não
unassigned = não atribuído

## A fila

queue-title = Fila
queue-heading = Fila de atendimento
queue-filters = Filtros
queue-filter-state = Estado
queue-filter-group = Grupo
queue-filter-all-groups = Todos os meus grupos
queue-filter-assigned = Atribuído
queue-filter-button = Filtrar
filter-state-open = Abertos
filter-state-new = Novos
filter-state-pending = Pendentes
filter-state-in_progress = Em andamento
filter-state-closed = Fechados
filter-state-expired = Expirados
filter-state-all = Todos
filter-assignee-any = Qualquer pessoa
filter-assignee-me = Eu
filter-assignee-none = Não atribuídos
queue-news-added = Novo caso { $code }, { $state }.
queue-news-changed = O caso { $code } agora está { $state }.
queue-news-removed = O caso { $code } saiu desta lista.
queue-caption = Casos, os mais antigos primeiro
queue-col-code = Código
queue-col-customer = Cliente
queue-col-description = Descrição
queue-col-channel = Canal
queue-col-state = Estado
queue-col-assignee = Responsável
queue-col-waiting = Esperando
queue-col-time-left = Tempo restante
queue-empty = Nenhum caso corresponde.

## Um caso

case-title = Caso { $code }
case-heading = Caso
case-news-changed = Caso atualizado: { $what }
case-details = Detalhes
case-group = Grupo
case-channel = Canal
case-customer = Cliente
case-email = E-mail
case-description = Descrição
case-assignee = Responsável
case-expert-connected = Especialista conectado
case-customer-connected = Cliente conectado
case-queue-position = Posição na fila
case-created = Criado
case-expires = Expira
case-closed = Fechado
case-closed-by = { $at } por { $name }
case-device = Dispositivo
case-hostname = Nome do computador
case-os = Sistema operacional
case-app-version = Versão do aplicativo
case-locale = Localidade
case-locale-named = { $language } ({ $locale })
case-session = Sessão
case-session-not-connected = Não conectado.
case-connect = Conectar
case-leave = Sair
case-screen-not-shared = A tela do cliente não está compartilhada.
case-view-screen = Ver tela
case-request-control = Pedir controle
case-stop-screen = Parar
case-screen-label = A tela do cliente
case-chat = Chat
case-chat-message = Mensagem
case-chat-placeholder = Escreva ao cliente
case-chat-send = Enviar
case-actions = Ações
case-assign-to-me = Atribuir a mim
case-assign-to = Atribuir a
case-assign = Atribuir
case-unassign = Remover atribuição
case-close-confirm = Fechar este caso?
case-close = Fechar caso
case-final = Este caso está { $state }; não há mais nada a fazer com ele.
case-history = Histórico

## Um caso novo

new-case-title = Novo caso
new-case-heading = Novo caso manual
new-case-intro = Crie um caso para um cliente ao telefone e depois leia o código para ele: ele o digita no aplicativo.
new-case-group = Grupo
new-case-customer-name = Nome do cliente (opcional)
new-case-customer-email = E-mail do cliente (opcional)
new-case-description = Descrição (opcional)
new-case-create = Criar caso
case-created-title = Caso criado
case-created-heading = Leia este código para o cliente
case-created-code-label = Código de sessão { $code }
case-created-how = O cliente abre o aplicativo, escolhe “Tem um código do seu especialista?” e o digita.
case-created-lapse = O código vale por { $duration }. Se ninguém entrar até lá, o caso expira; crie um novo.
case-created-open = Abrir o caso

## Configurações: e-mail e idioma

settings-title = E-mail
settings-heading = E-mail
settings-email-off = Este servidor ainda não envia e-mails: um administrador define smtp_url na configuração. Sua escolha fica guardada até lá.
settings-saved = Salvo.
settings-email-intro = Além dos alertas do console, enviar um e-mail para { $email } quando:
settings-email-queued = um caso espera em um dos meus grupos e ninguém está disponível
settings-email-assigned = um caso é atribuído a mim
settings-email-overdue = um cliente de um dos meus grupos espera mais que o tempo de alerta do grupo
settings-save = Salvar
settings-email-note = Cada e-mail leva ao caso no console; nunca traz o código de sessão do cliente.
settings-language-heading = Idioma
settings-language-label = Idioma do console
settings-language-browser = O que meu navegador pedir
settings-language-save = Salvar idioma
settings-language-saved = Idioma salvo.
settings-language-invalid = O console não fala “{ $language }”; escolha um dos idiomas da lista.

## Erros

page-error-not-found = Não encontrado
page-error-forbidden = Não permitido
page-error-conflict = Não é possível agora
page-error-slow-down = Mais devagar
page-error-internal = Algo deu errado
page-error-refused = Não é possível
page-error-back = Voltar
page-error-csrf = Este formulário está desatualizado ou não veio do console (a verificação CSRF falhou); recarregue a página e tente novamente.
page-error-admins-only = Esta página é para administradores.

## O script do console

script-state-new = { state-new }
script-state-pending = { state-pending }
script-state-in_progress = { state-in_progress }
script-state-closed = { state-closed }
script-state-expired = { state-expired }
script-yes = { yes }
script-no = { no }
script-sound-on = Som ligado
script-sound-off = Som desligado
script-alert-new = Novo caso em { $group }
script-alert-new-body = { $name } está esperando; ninguém pegou o caso.
script-alert-overdue = Ainda esperando em { $group }
script-alert-overdue-seconds = { $name } espera há mais de { $seconds ->
        [one] { $seconds } segundo
       *[other] { $seconds } segundos
    }.
script-alert-overdue-minutes = { $name } espera há mais de { $minutes ->
        [one] { $minutes } minuto
       *[other] { $minutes } minutos
    }.
script-alert-assigned = Um caso foi atribuído a você
script-alert-assigned-body = { $name } ({ $group })
script-session-in = Em sessão com o cliente.
script-session-waiting = Conectado; aguardando o cliente entrar.
script-session-not-connected = { case-session-not-connected }
script-session-lost = Conexão perdida; reconectando em { $seconds } s…
script-session-connecting = Conectando…
script-screen-not-shared = { case-screen-not-shared }
script-screen-other-expert = { $name } está trabalhando com a tela do cliente.
script-screen-another-expert = Outro especialista está trabalhando com a tela do cliente.
script-screen-waiting-share = Aguardando o cliente compartilhar a tela…
script-screen-paused = O cliente pausou o compartilhamento.
script-screen-waiting-control = Aguardando o cliente permitir o controle…
script-screen-control = Você controla o mouse e o teclado do cliente. Clique na imagem e digite.
script-screen-viewing = Vendo a tela do cliente (somente visualização).
script-screen-ended = O compartilhamento de tela terminou.
