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
settings-language-label = Idioma do console e dos meus e-mails
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
page-error-wait = Tentativas demais em pouco tempo. Tente novamente em { $seconds ->
        [one] { $seconds } segundo.
       *[other] { $seconds } segundos.
    }
page-error-gone = Isso não existe mais, ou você não tem permissão para ver.
page-error-case-final = Este caso está { $state }: não aceita mais alterações.
page-error-email-taken = Já existe um especialista com este endereço de e-mail.
page-error-group-name-taken = Já existe um grupo com este nome.
page-error-not-saved = Nada foi salvo: o servidor não conseguiu gravar a alteração agora. Tente novamente em instantes.
page-error-password-length = Uma senha tem de { $min } a { $max } caracteres.
page-error-name-length = Um nome tem de 1 a 100 caracteres.
page-error-field = Verifique “{ $field }”: este valor não é aceito.
page-error-own-standing = Você não pode desativar a si mesmo nem abrir mão do seu próprio papel de administrador; peça a outro administrador.
page-error-not-your-group = Você só pode abrir casos nos seus próprios grupos.
page-error-period-date = “{ $value }” não é uma data: escreva-a como AAAA-MM-DD.
page-error-period-backwards = O período termina antes de começar: verifique as datas.
page-error-period-days = Um período tem no máximo { $days } dias; escolha um mais curto.
page-error-period-too-long = O período contém mais de { $max } casos; escolha um mais curto.

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

## Administração: especialistas

experts-heading = Especialistas
experts-col-name = Nome
experts-col-email = E-mail
experts-col-role = Função
experts-col-status = Situação
experts-col-groups = Grupos
experts-col-change = Alterar
experts-deactivate = Desativar
experts-activate = Ativar
experts-make-expert = Tornar especialista
experts-make-admin = Tornar administrador
experts-new-password-for = Nova senha para { $name }
experts-new-password-placeholder = nova senha
experts-reset-password = Redefinir senha
experts-add-heading = Adicionar um especialista
experts-email = E-mail
experts-name = Nome exibido aos clientes
experts-password = Senha (pelo menos { $min } caracteres)
experts-group = Grupo
experts-no-group = Nenhum ainda
experts-admin = Administrador
experts-add = Adicionar especialista
role-admin = administrador
role-expert = especialista
expert-status-deactivated = desativado
expert-status-available = disponível
expert-status-away = ausente

## Administração: grupos

groups-heading = Grupos
groups-policy = Atribuição automática
policy-off = Desligada: os especialistas pegam os casos manualmente
policy-round_robin = Revezamento entre os especialistas disponíveis
policy-least_busy = O especialista disponível menos ocupado
groups-save = Salvar
groups-alert = Alertar quando um cliente esperar mais de (segundos)
groups-members = Membros:
groups-no-members = nenhum
groups-remove = Remover
groups-add-member = Adicionar membro
groups-add = Adicionar
groups-add-heading = Adicionar um grupo
groups-name = Nome
groups-add-group = Adicionar grupo

## Administração: implantações e tokens de API

deployments-heading = Implantações
deployments-intro = Uma implantação é o que a TI distribui com o aplicativo SOS: o endereço do servidor e uma chave que só pode criar casos em um grupo.
deployments-col-name = Nome
deployments-col-group = Grupo
deployments-col-url = URL do servidor
col-created = Criado
col-status = Situação
col-actions = Ações
deployments-download = Baixar arquivo de implantação
deployments-revoke-confirm = Revogar esta implantação? Os aplicativos instalados deixarão de poder pedir ajuda.
revoke = Revogar
deployments-new-heading = Nova implantação
deployments-name = Nome (também o nome da empresa no aplicativo)
deployments-group = Os casos chegam ao grupo
deployments-url = URL do servidor usada pelos aplicativos
deployments-create = Criar implantação
status-active = ativo
status-revoked = revogado { $at }
deployment-created-title = Implantação criada
deployment-created-heading = Implantação “{ $name }” criada
deployment-created-key = A chave é mostrada só desta vez; ela também está no arquivo de implantação abaixo, que você pode baixar de novo depois.
deployment-created-file = Arquivo de implantação
deployment-created-ship = Distribuir
deployment-created-ship-how = Crie instaladores com a sua marca que levem o arquivo, ou instale o pacote genérico e coloque o arquivo no local de todo o sistema, que tem prioridade sobre um incluído. Salve o arquivo como deployment.toml; docs/deploying.md no repositório do Lifeline traz os detalhes.
deployment-created-back = Voltar às implantações
tokens-heading = Tokens de API
tokens-intro = Os tokens permitem que integrações ajam como um especialista pela API. Um token novo é mostrado uma única vez.
tokens-col-expert = Especialista
tokens-new-heading = Novo token
tokens-for = Para o especialista
tokens-create = Criar token

## Administração: webhooks

webhooks-heading = Webhooks
webhooks-intro = Cada mudança de um caso que um endpoint assina é enviada a ele por POST como JSON, assinada como diz a especificação Standard Webhooks (cabeçalhos webhook-id, webhook-timestamp, webhook-signature). Entregas que falham são repetidas por um dia com o mesmo id de evento; um endpoint que falha por um dia é desativado.
webhooks-col-url = URL
webhooks-col-events = Eventos
webhooks-deliveries = Registro de entregas
webhooks-disable = Desativar
webhooks-enable = Ativar
webhooks-delete-confirm = Excluir este endpoint e seus eventos não entregues?
webhooks-delete = Excluir
webhooks-new-heading = Novo endpoint
webhooks-url = URL (http:// ou https://)
webhooks-events = Eventos
webhooks-add = Adicionar endpoint
webhook-status-disabled = desativado
webhook-status-failing = falhando desde { $at }
webhook-status-enabled = ativado
webhook-created-title = Webhook adicionado
webhook-created-heading = Endpoint adicionado
webhook-created-secret = Os eventos vão para { $url }. O segredo de assinatura é mostrado só desta vez: entregue-o ao receptor, que verifica com ele a webhook-signature de cada requisição.
webhooks-back = Voltar aos webhooks
deliveries-title = Entregas do webhook
deliveries-heading = Entregas para { $url }
deliveries-intro = Os eventos mais recentes primeiro.
deliveries-col-event = Evento
deliveries-col-type = Tipo
deliveries-col-case = Caso
deliveries-col-when = Quando
deliveries-col-attempts = Tentativas
deliveries-col-outcome = Resultado

## Administração: registro de auditoria e relatórios

audit-heading = Registro de auditoria
audit-intro = Entradas (inclusive as que falharam) e cada mudança em especialistas, grupos, tokens de API e implantações: quem, quando e de onde. Os mais recentes primeiro.
audit-action = Ação
audit-any = Qualquer
show = Mostrar
audit-col-when = Quando
audit-col-action = Ação
audit-col-who = Quem
audit-col-from = De onde
audit-col-what = O quê
audit-col-detail = Detalhe
audit-older = Entradas anteriores
reports-heading = Relatórios
reports-intro = Casos criados de { $from } a { $to } (dias UTC, ambos incluídos): quanto tempo os clientes esperaram do pedido até a atribuição a um especialista, até a primeira conexão com um especialista e até o fechamento. Mediana e percentil 90 (posição mais próxima) sobre os casos que chegaram até lá.
reports-from = De
reports-to = Até
reports-csv = Baixar CSV
reports-empty = Nenhum caso neste período.
reports-col-name = Nome
reports-col-cases = Casos
reports-col-expired = Expirados
reports-col-to-assign = Até a atribuição
reports-col-to-connect = Até a primeira conexão
reports-col-to-close = Até o fechamento
reports-col-median = Mediana
reports-col-p90 = p90
reports-per-group = Por grupo
reports-per-expert = Por especialista

## Histórico de um caso

history-created = criado
history-assigned = atribuído
history-unassigned = atribuição removida
history-claimed = assumido
history-edited = editado
history-joined = entrou
history-left = saiu
history-closed = fechado
history-expired = expirado
history-screen_requested = tela solicitada
history-screen_shared = tela compartilhada
history-screen_declined = tela recusada
history-screen_paused = tela pausada
history-screen_resumed = tela retomada
history-screen_stopped = tela encerrada
history-control_requested = controle solicitado
history-control_granted = controle concedido
history-control_declined = controle recusado
history-control_revoked = controle revogado
history-by = por { $actor }
history-to-by = a { $assignee } por { $actor }
history-by-detail = por { $actor } — { $detail }

## E-mails: texto simples, no idioma que o especialista escolheu para o console

email-customer-unnamed = Um cliente
email-queued-subject = { $customer } está esperando em { $group } e ninguém está disponível
email-assigned-subject = Um caso em { $group } foi atribuído a você: { $customer }
email-overdue-subject = { $customer } está esperando há tempo demais em { $group }
email-waited = Esperando há { $minutes } min.
email-open = Abrir: { $link }
email-no-link = o caso { $case } na fila do console (defina public_url para ter um link)
email-why = Você escolheu este e-mail no console do Lifeline (configurações de e-mail).
email-webhook-subject = O Lifeline parou de enviar webhooks para { $url }
email-webhook-body = Todas as entregas para o endpoint de webhook { $url } falharam durante um dia, então o Lifeline o desativou e não coloca mais nada na fila para ele.
email-webhook-enable = Quando o receptor voltar a funcionar, ative o endpoint em { $page } (ou com POST /api/v1/webhooks/{ $id }/enable): o que estava na fila para ele antes da desativação é enviado então, com os ids de evento originais; as mudanças feitas enquanto ele está desativado não são enviadas a ele.
email-webhook-page = a página Webhooks do console
email-webhook-why = Você recebe este e-mail porque é administrador deste servidor Lifeline.
