# O aplicativo de desktop: janela, menu da bandeja, notificações e atalho SOS.
# Tratamento por "você".

## Título, bandeja, atalho

window-title = { $company } — Ajuda
window-title-sharing = ● Compartilhando sua tela — { $title }
tray-request = Pedir ajuda
tray-show = Mostrar
tray-quit = Sair
tray-sharing = Sua tela está compartilhada — mostrar a janela
shortcut-comment = Pedir ajuda a { $company }

## Notificações

notify-assigned-title = Um especialista foi designado
notify-assigned-body = { $name } vai ajudar você em breve.
notify-connect-title = Seu especialista quer se conectar
notify-connect-body = { $name } está pronto para atender você. Abra a janela de ajuda para entrar.
notify-closed-title = Seu pedido de ajuda foi encerrado
notify-closed-body = O especialista encerrou seu pedido. Peça de novo se ainda precisar de ajuda.
notify-expired-title = Seu pedido de ajuda expirou
notify-expired-body = Ninguém o encerrou a tempo. Peça de novo se ainda precisar de ajuda.
notify-screen-title = Seu especialista quer ver sua tela
notify-screen-body = { $name } pede para ver sua tela. Abra a janela de ajuda para responder.
notify-control-title = Seu especialista quer usar seu mouse e teclado
notify-control-body = { $name } pede para controlar este computador. Abra a janela de ajuda para responder.

## A janela

app-heading = Ajuda de { $company }
app-starting = Iniciando…
idle-intro = Precisa de uma mão? Peça ajuda e um especialista de { $company } vai entrar em contato com você.
idle-request = Pedir ajuda
requesting = Pedindo ajuda…
code-label = Seu código de sessão
code-hint = Leia este código para o especialista se ele pedir.
code-copy = Copiar código
code-copied = Código copiado
code-copy-failed = Não foi possível copiar. Selecione o código e copie você mesmo.
status-label = Status
status-waiting-title = Aguardando um especialista
status-waiting-next = Você é o número { $position } na fila. Um especialista vai atender seu pedido em breve; enquanto isso, você pode continuar trabalhando.
status-waiting-next-unknown = Seu pedido está na fila. Um especialista vai atendê-lo em breve; enquanto isso, você pode continuar trabalhando.
status-assigned-title = Um especialista foi designado
status-assigned-next = { $name } está cuidando do seu pedido e vai se conectar a você em breve.
status-connect-title = Seu especialista quer se conectar
status-connect-next = { $name } está pronto. Entre na sessão quando você estiver.
status-in-session-title = Em sessão
status-in-session-next = Você está conectado com { $name }.
status-closed-title = Pedido encerrado
status-closed-next = Este pedido está encerrado. Se ainda precisar de ajuda, peça de novo.
status-cancelled-next = Você cancelou este pedido. Se ainda precisar de ajuda, peça de novo.
status-expired-title = Pedido expirado
status-expired-next = Ninguém encerrou este pedido a tempo. Se ainda precisar de ajuda, peça de novo.
status-expert-unknown = seu especialista
assignee-label = Seu especialista
description-label = Com o que você precisa de ajuda? (opcional)
description-save = Salvar descrição
description-saved = Descrição salva
cancel-button = Cancelar pedido
cancel-question = Cancelar seu pedido de ajuda? Os especialistas não vão mais vê-lo.
cancel-yes = Sim, cancelar
cancel-no = Não, manter
cancel-done = Seu pedido foi cancelado.
again-button = Pedir ajuda de novo
join-toggle = Recebeu um código do especialista? Digite-o
join-label = Código de sessão (9 dígitos)
join-submit = Entrar
offline-unreachable = Não foi possível acessar { $host } — nova tentativa em { $seconds ->
        [one] { $seconds } segundo
       *[other] { $seconds } segundos
    }
offline-rate-limited = { $host } está ocupado — nova tentativa em { $seconds ->
        [one] { $seconds } segundo
       *[other] { $seconds } segundos
    }
offline-server-error = { $host } está com um problema — nova tentativa em { $seconds ->
        [one] { $seconds } segundo
       *[other] { $seconds } segundos
    }
offline-now = Não foi possível acessar { $host } — tentando agora…
broken-title = Este aplicativo não está configurado corretamente
broken-body = Ele não pode pedir ajuda porque o arquivo de implantação está faltando ou danificado. Avise o departamento de TI e mostre esta mensagem:

## A sessão ao vivo e a tela

session-title = Sessão com seu especialista
session-invite = { $name } quer se conectar
session-join = Entrar
session-not-now = Agora não
session-start = Iniciar uma sessão com o especialista
session-message-label = Mensagem para o especialista
session-send = Enviar
session-leave = Sair da sessão
session-reconnecting = Conexão perdida — reconectando…
session-me = Você
screen-request = { $name } quer ver sua tela (só visualizar)
screen-share = Compartilhar
screen-not-now = Agora não
screen-control-request = { $name } quer usar seu mouse e teclado
screen-control-allow = Permitir
screen-sharing = { $name } pode ver sua tela
screen-paused = Compartilhamento pausado: { $name } não vê nada novo
screen-controlled = { $name } está usando seu mouse e teclado
screen-pause = Pausar
screen-resume = Retomar
screen-stop = Parar de compartilhar
screen-take-back = Retomar o controle (Esc)
screen-unavailable = O compartilhamento de tela ainda não está disponível neste sistema.

## Erros

error-invalid-code = Isso não é um código de 9 dígitos. Confira e tente de novo.
error-not-found = Nenhum pedido aberto tem esse código. Confira com seu especialista.
error-invalid-description = A descrição é longa demais ou tem caracteres não permitidos.
error-unreachable = Não foi possível acessar o servidor de ajuda. Tente de novo daqui a pouco.
error-rate-limited = Tentativas demais. Aguarde um momento e tente de novo.
error-unauthorized = O servidor de ajuda recusou este aplicativo. Avise o departamento de TI.
error-conflict = Este pedido já está encerrado.
error-busy = Um pedido já está a caminho. Aguarde, por favor.
error-no-case = Não há nenhum pedido aberto.
error-invalid-message = A mensagem está vazia ou é longa demais.
error-no-session = Você não está em uma sessão.
error-validation = A mensagem está vazia ou é longa demais.
error-screen-unavailable = O compartilhamento de tela ainda não está disponível neste sistema.
error-screen-lapsed = Esse pedido expirou. Seu especialista pode pedir de novo.
error-server-too-old = O servidor de ajuda está desatualizado para este aplicativo. Avise o departamento de TI: o servidor precisa ser atualizado.
error-server-too-new = Este aplicativo é antigo demais para o servidor de ajuda. Avise o departamento de TI: o aplicativo precisa ser atualizado.
error-forbidden = O servidor de ajuda não permite isso. Avise o departamento de TI.
error-payload-too-large = Isso é longo demais para o servidor de ajuda. Encurte e tente de novo.
error-internal = O servidor de ajuda está com um problema. Tente de novo daqui a pouco.
error-refused = O servidor de ajuda recusou o pedido. Tente de novo daqui a pouco; se continuar acontecendo, avise o departamento de TI.
error-state = O aplicativo não consegue salvar seus dados neste computador (o disco está cheio?). Avise o departamento de TI.
error-screen-not-shared = Sua tela não está sendo compartilhada.
error-other = Algo deu errado: { $message }
