# La console des experts : ses pages, ses annonces et son script.
# Espaces réservés comme dans le fichier anglais (locales/en/console.ftl).

## Le cadre de la page

console-title = { $page } · Console Lifeline
skip-to-main = Aller au contenu principal
nav-label = Principal
nav-queue = File d’attente
nav-new-case = Nouveau dossier
nav-settings = E-mail
nav-experts = Experts
nav-groups = Groupes
nav-deployments = Déploiements
nav-tokens = Jetons d’API
nav-webhooks = Webhooks
nav-reports = Rapports
nav-audit = Journal d’audit
notify-permission = Activer les notifications
availability-available = Disponible
availability-away = Absent
availability-go-away = Se mettre absent
availability-become-available = Se rendre disponible
sign-out = Se déconnecter
none = —

## Connexion

sign-in-title = Connexion
sign-in-heading = Connectez-vous à la file d’attente du service
sign-in-email = E-mail
sign-in-password = Mot de passe
sign-in-button = Se connecter
sign-in-bad-email = Saisissez l’adresse e-mail avec laquelle vous vous connectez.
sign-in-wrong-length = E-mail ou mot de passe incorrect (les mots de passe comptent de { $min } à { $max } caractères).
sign-in-wrong = E-mail ou mot de passe incorrect.
sign-in-slowed = Trop de connexions échouées pour cette adresse. Réessayez dans { $duration }.

## Durées

duration-seconds = { $seconds } s
duration-minutes = { $minutes } min
duration-hours = { $hours } h { $minutes } min

## États des dossiers et canaux

state-new = nouveau
state-pending = en attente
state-in_progress = en cours
state-closed = fermé
state-expired = expiré
channel-sos = bouton SOS
channel-app = application
channel-manual = manuel
channel-api = API
yes = oui
no = non
unassigned = non attribué

## La file d’attente

queue-title = File d’attente
queue-heading = File d’attente du service
queue-filters = Filtres
queue-filter-state = État
queue-filter-group = Groupe
queue-filter-all-groups = Tous mes groupes
queue-filter-assigned = Attribué
queue-filter-button = Filtrer
filter-state-open = Ouverts
filter-state-new = Nouveaux
filter-state-pending = En attente
filter-state-in_progress = En cours
filter-state-closed = Fermés
filter-state-expired = Expirés
filter-state-all = Tous
filter-assignee-any = N’importe qui
filter-assignee-me = Moi
filter-assignee-none = Non attribués
queue-news-added = Nouveau dossier { $code }, { $state }.
queue-news-changed = Le dossier { $code } est maintenant { $state }.
queue-news-removed = Le dossier { $code } a quitté cette liste.
queue-caption = Dossiers, du plus ancien au plus récent
queue-col-code = Code
queue-col-customer = Client
queue-col-description = Description
queue-col-channel = Canal
queue-col-state = État
queue-col-assignee = Attribué à
queue-col-waiting = Attente
queue-col-time-left = Temps restant
queue-empty = Aucun dossier ne correspond.

## Un dossier

case-title = Dossier { $code }
case-heading = Dossier
case-news-changed = Dossier mis à jour : { $what }
case-details = Détails
case-group = Groupe
case-channel = Canal
case-customer = Client
case-email = E-mail
case-description = Description
case-assignee = Attribué à
case-expert-connected = Expert connecté
case-customer-connected = Client connecté
case-queue-position = Position dans la file
case-created = Créé
case-expires = Expire
case-closed = Fermé
case-closed-by = { $at } par { $name }
case-device = Appareil
case-hostname = Nom d’hôte
case-os = Système d’exploitation
case-app-version = Version de l’application
case-locale = Paramètres régionaux
case-locale-named = { $language } ({ $locale })
case-session = Session
case-session-not-connected = Non connecté.
case-connect = Se connecter
case-leave = Quitter
case-screen-not-shared = L’écran du client n’est pas partagé.
case-view-screen = Voir l’écran
case-request-control = Demander le contrôle
case-stop-screen = Arrêter
case-screen-label = L’écran du client
case-chat = Discussion
case-chat-message = Message
case-chat-placeholder = Écrire au client
case-chat-send = Envoyer
case-actions = Actions
case-assign-to-me = Me l’attribuer
case-assign-to = Attribuer à
case-assign = Attribuer
case-unassign = Retirer l’attribution
case-close-confirm = Fermer ce dossier ?
case-close = Fermer le dossier
case-final = Ce dossier est { $state } ; plus rien ne peut être fait.
case-history = Historique

## Un nouveau dossier

new-case-title = Nouveau dossier
new-case-heading = Nouveau dossier manuel
new-case-intro = Créez un dossier pour un client au téléphone, puis lisez-lui le code : il le saisit dans l’application.
new-case-group = Groupe
new-case-customer-name = Nom du client (facultatif)
new-case-customer-email = E-mail du client (facultatif)
new-case-description = Description (facultatif)
new-case-create = Créer le dossier
case-created-title = Dossier créé
case-created-heading = Lisez ce code au client
case-created-code-label = Code de session { $code }
case-created-how = Il ouvre l’application, choisit « Vous avez un code de votre expert ? » et le saisit.
case-created-lapse = Le code est valable { $duration }. Si personne ne se joint d’ici là, le dossier expire ; créez-en un nouveau.
case-created-open = Ouvrir le dossier

## Réglages : e-mail et langue

settings-title = E-mail
settings-heading = E-mail
settings-email-off = Ce serveur n’envoie pas encore d’e-mails : un administrateur définit smtp_url dans sa configuration. Votre choix est conservé d’ici là.
settings-saved = Enregistré.
settings-email-intro = En plus des alertes de la console, envoyer un e-mail à { $email } quand :
settings-email-queued = un dossier attend dans l’un de mes groupes et personne n’est disponible
settings-email-assigned = un dossier m’est attribué
settings-email-overdue = un client de l’un de mes groupes attend depuis plus longtemps que le délai d’alerte du groupe
settings-save = Enregistrer
settings-email-note = Chaque e-mail renvoie au dossier dans la console ; il ne contient jamais le code de session du client.
settings-language-heading = Langue
settings-language-label = Langue de la console et de mes e-mails
settings-language-browser = Celle que demande mon navigateur
settings-language-save = Enregistrer la langue
settings-language-saved = Langue enregistrée.
settings-language-invalid = La console ne parle pas « { $language } » ; choisissez l’une des langues proposées.

## Erreurs

page-error-not-found = Introuvable
page-error-forbidden = Non autorisé
page-error-conflict = Impossible pour le moment
page-error-slow-down = Ralentissez
page-error-internal = Une erreur s’est produite
page-error-refused = Impossible
page-error-back = Retour
page-error-csrf = Ce formulaire est périmé ou ne vient pas de la console (échec de la vérification CSRF) ; rechargez la page et réessayez.
page-error-admins-only = Cette page est réservée aux administrateurs.
page-error-wait = Trop de tentatives en peu de temps. Réessayez dans { $seconds ->
        [one] { $seconds } seconde.
       *[other] { $seconds } secondes.
    }
page-error-gone = Cet élément n'existe plus, ou vous n'avez pas le droit de le voir.
page-error-case-final = Ce cas est { $state } : il n'accepte plus de modification.
page-error-email-taken = Un expert avec cette adresse e-mail existe déjà.
page-error-group-name-taken = Un groupe portant ce nom existe déjà.
page-error-not-saved = Rien n'a été enregistré : le serveur n'a pas pu écrire la modification pour l'instant. Réessayez dans un moment.
page-error-password-length = Un mot de passe compte de { $min } à { $max } caractères.
page-error-name-length = Un nom compte de 1 à 100 caractères.
page-error-field = Vérifiez « { $field } » : cette valeur n'est pas acceptée.
page-error-own-standing = Vous ne pouvez ni vous désactiver vous-même ni renoncer à votre propre rôle d'admin ; demandez à un autre admin.
page-error-not-your-group = Vous ne pouvez ouvrir des cas que dans vos propres groupes.
page-error-period-date = « { $value } » n'est pas une date : écrivez-la AAAA-MM-JJ.
page-error-period-backwards = La période se termine avant de commencer : vérifiez les dates.
page-error-period-days = Une période dure au plus { $days } jours ; choisissez-en une plus courte.
page-error-period-too-long = La période contient plus de { $max } cas ; choisissez-en une plus courte.

## Le script de la console

script-state-new = { state-new }
script-state-pending = { state-pending }
script-state-in_progress = { state-in_progress }
script-state-closed = { state-closed }
script-state-expired = { state-expired }
script-yes = { yes }
script-no = { no }
script-sound-on = Son activé
script-sound-off = Son désactivé
script-alert-new = Nouveau dossier dans { $group }
script-alert-new-body = { $name } attend ; personne n’a pris le dossier.
script-alert-overdue = Toujours en attente dans { $group }
script-alert-overdue-seconds = { $name } attend depuis plus de { $seconds ->
        [one] { $seconds } seconde
       *[other] { $seconds } secondes
    }.
script-alert-overdue-minutes = { $name } attend depuis plus de { $minutes ->
        [one] { $minutes } minute
       *[other] { $minutes } minutes
    }.
script-alert-assigned = Un dossier vous est attribué
script-alert-assigned-body = { $name } ({ $group })
script-session-in = En session avec le client.
script-session-waiting = Connecté ; en attente du client.
script-session-not-connected = { case-session-not-connected }
script-session-lost = Connexion perdue ; reconnexion dans { $seconds } s…
script-session-connecting = Connexion…
script-screen-not-shared = { case-screen-not-shared }
script-screen-other-expert = { $name } travaille avec l’écran du client.
script-screen-another-expert = Un autre expert travaille avec l’écran du client.
script-screen-waiting-share = En attente du partage d’écran du client…
script-screen-paused = Le client a mis le partage en pause.
script-screen-waiting-control = En attente de l’autorisation de contrôle du client…
script-screen-control = Vous contrôlez la souris et le clavier du client. Cliquez sur l’image, puis tapez.
script-screen-viewing = Affichage de l’écran du client (lecture seule).
script-screen-ended = Partage d’écran terminé.

## Administration : experts

experts-heading = Experts
experts-col-name = Nom
experts-col-email = E-mail
experts-col-role = Rôle
experts-col-status = Statut
experts-col-groups = Groupes
experts-col-change = Modifier
experts-deactivate = Désactiver
experts-activate = Activer
experts-make-expert = Rendre expert
experts-make-admin = Rendre administrateur
experts-new-password-for = Nouveau mot de passe pour { $name }
experts-new-password-placeholder = nouveau mot de passe
experts-reset-password = Réinitialiser le mot de passe
experts-add-heading = Ajouter un expert
experts-email = E-mail
experts-name = Nom affiché aux clients
experts-password = Mot de passe (au moins { $min } caractères)
experts-group = Groupe
experts-no-group = Aucun pour l’instant
experts-admin = Administrateur
experts-add = Ajouter l’expert
role-admin = administrateur
role-expert = expert
expert-status-deactivated = désactivé
expert-status-available = disponible
expert-status-away = absent

## Administration : groupes

groups-heading = Groupes
groups-policy = Attribution automatique
policy-off = Désactivée : les experts prennent les dossiers à la main
policy-round_robin = À tour de rôle entre les experts disponibles
policy-least_busy = L’expert disponible le moins occupé
groups-save = Enregistrer
groups-alert = Alerter quand un client attend plus de (secondes)
groups-members = Membres :
groups-no-members = aucun
groups-remove = Retirer
groups-add-member = Ajouter un membre
groups-add = Ajouter
groups-add-heading = Ajouter un groupe
groups-name = Nom
groups-add-group = Ajouter le groupe

## Administration : déploiements et jetons d’API

deployments-heading = Déploiements
deployments-intro = Un déploiement est ce que l’informatique livre avec l’application SOS : l’adresse du serveur et une clé qui ne peut créer des dossiers que dans un groupe.
deployments-col-name = Nom
deployments-col-group = Groupe
deployments-col-url = URL du serveur
col-created = Créé
col-status = Statut
col-actions = Actions
deployments-download = Télécharger le fichier de déploiement
deployments-revoke-confirm = Révoquer ce déploiement ? Les applications installées ne pourront plus demander d’aide.
revoke = Révoquer
deployments-new-heading = Nouveau déploiement
deployments-name = Nom (aussi le nom de l’entreprise dans l’application)
deployments-group = Les dossiers arrivent dans le groupe
deployments-url = URL du serveur utilisée par les applications
deployments-create = Créer le déploiement
status-active = actif
status-revoked = révoqué { $at }
deployment-created-title = Déploiement créé
deployment-created-heading = Déploiement « { $name } » créé
deployment-created-key = La clé n’est affichée que cette fois ; elle figure aussi dans le fichier de déploiement ci-dessous, que vous pourrez télécharger de nouveau plus tard.
deployment-created-file = Fichier de déploiement
deployment-created-ship = Le livrer
deployment-created-ship-how = Construisez des installateurs à votre marque qui contiennent le fichier, ou installez le paquet générique et placez le fichier à l’emplacement commun au système, qui l’emporte sur un fichier fourni. Enregistrez le fichier sous deployment.toml ; docs/deploying.md dans le dépôt Lifeline donne les détails.
deployment-created-back = Retour aux déploiements
tokens-heading = Jetons d’API
tokens-intro = Les jetons permettent à des intégrations d’agir comme un expert via l’API. Un nouveau jeton n’est affiché qu’une fois.
tokens-col-expert = Expert
tokens-new-heading = Nouveau jeton
tokens-for = Pour l’expert
tokens-create = Créer le jeton

## Administration : webhooks

webhooks-heading = Webhooks
webhooks-intro = Chaque changement d’un dossier auquel un point de terminaison est abonné lui est envoyé en POST au format JSON, signé comme le prévoit la spécification Standard Webhooks (en-têtes webhook-id, webhook-timestamp, webhook-signature). Les livraisons échouées sont retentées pendant un jour avec le même identifiant d’événement ; un point de terminaison en échec pendant un jour est désactivé.
webhooks-col-url = URL
webhooks-col-events = Événements
webhooks-deliveries = Journal des livraisons
webhooks-disable = Désactiver
webhooks-enable = Activer
webhooks-delete-confirm = Supprimer ce point de terminaison et ses événements non livrés ?
webhooks-delete = Supprimer
webhooks-new-heading = Nouveau point de terminaison
webhooks-url = URL (http:// ou https://)
webhooks-events = Événements
webhooks-add = Ajouter le point de terminaison
webhook-status-disabled = désactivé
webhook-status-failing = en échec depuis { $at }
webhook-status-enabled = activé
webhook-created-title = Webhook ajouté
webhook-created-heading = Point de terminaison ajouté
webhook-created-secret = Les événements vont à { $url }. Son secret de signature n’est affiché que cette fois : donnez-le au destinataire, qui vérifie avec lui la webhook-signature de chaque requête.
webhooks-back = Retour aux webhooks
deliveries-title = Livraisons du webhook
deliveries-heading = Livraisons à { $url }
deliveries-intro = Les derniers événements, du plus récent au plus ancien.
deliveries-col-event = Événement
deliveries-col-type = Type
deliveries-col-case = Dossier
deliveries-col-when = Quand
deliveries-col-attempts = Tentatives
deliveries-col-outcome = Résultat

## Administration : journal d’audit et rapports

audit-heading = Journal d’audit
audit-intro = Les connexions (y compris échouées) et chaque modification des experts, groupes, jetons d’API et déploiements : qui, quand et d’où. Du plus récent au plus ancien.
audit-action = Action
audit-any = Toutes
show = Afficher
audit-col-when = Quand
audit-col-action = Action
audit-col-who = Qui
audit-col-from = D’où
audit-col-what = Quoi
audit-col-detail = Détail
audit-older = Entrées plus anciennes
reports-heading = Rapports
reports-intro = Dossiers créés du { $from } au { $to } (jours UTC, inclus) : combien de temps les clients ont attendu entre leur demande et l’attribution à un expert, la première connexion avec un expert et la fermeture. Médiane et 90e centile (rang le plus proche) sur les dossiers arrivés jusque-là.
reports-from = Du
reports-to = Au
reports-csv = Télécharger le CSV
reports-empty = Aucun dossier sur cette période.
reports-col-name = Nom
reports-col-cases = Dossiers
reports-col-expired = Expirés
reports-col-to-assign = Jusqu’à l’attribution
reports-col-to-connect = Jusqu’à la première connexion
reports-col-to-close = Jusqu’à la fermeture
reports-col-median = Médiane
reports-col-p90 = p90
reports-per-group = Par groupe
reports-per-expert = Par expert

## Historique d’un dossier

history-created = créé
history-assigned = attribué
history-unassigned = attribution retirée
history-claimed = pris
history-edited = modifié
history-joined = rejoint
history-left = quitté
history-closed = fermé
history-expired = expiré
history-screen_requested = écran demandé
history-screen_shared = écran partagé
history-screen_declined = écran refusé
history-screen_paused = écran en pause
history-screen_resumed = écran repris
history-screen_stopped = écran arrêté
history-control_requested = contrôle demandé
history-control_granted = contrôle accordé
history-control_declined = contrôle refusé
history-control_revoked = contrôle retiré
history-by = par { $actor }
history-to-by = à { $assignee } par { $actor }
history-by-detail = par { $actor } — { $detail }

## E-mails : texte brut, dans la langue choisie par l'expert pour la console

email-customer-unnamed = Un client
email-queued-subject = { $customer } attend dans { $group } et personne n'est disponible
email-assigned-subject = Un dossier dans { $group } vous est attribué : { $customer }
email-overdue-subject = { $customer } attend depuis trop longtemps dans { $group }
email-waited = En attente depuis { $minutes } min.
email-open = Ouvrir : { $link }
email-no-link = le dossier { $case } dans la file de la console (définissez public_url pour avoir un lien)
email-why = Vous avez choisi cet e-mail dans la console Lifeline (réglages e-mail).
email-webhook-subject = Lifeline n'envoie plus de webhooks à { $url }
email-webhook-body = Toutes les livraisons au point de terminaison { $url } ont échoué pendant une journée : Lifeline l'a donc désactivé et ne lui met plus rien en file.
email-webhook-enable = Dès que le récepteur fonctionne de nouveau, activez le point de terminaison sur { $page } (ou par POST /api/v1/webhooks/{ $id }/enable) : ce qui était en file pour lui avant la désactivation est alors envoyé, avec les identifiants d'événement d'origine ; les changements faits pendant la désactivation ne lui sont pas envoyés.
email-webhook-page = la page Webhooks de la console
email-webhook-why = Vous recevez cet e-mail parce que vous êtes administrateur de ce serveur Lifeline.
