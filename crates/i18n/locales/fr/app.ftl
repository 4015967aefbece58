# L’application de bureau : fenêtre, menu de la zone de notification,
# notifications et raccourci SOS. Vouvoiement.

## Titre, zone de notification, raccourci

window-title = { $company } — Aide
window-title-sharing = ● Partage de votre écran — { $title }
tray-request = Demander de l’aide
tray-show = Afficher
tray-quit = Quitter
tray-sharing = Votre écran est partagé — afficher la fenêtre
shortcut-comment = Obtenir de l’aide de { $company }

## Notifications

notify-assigned-title = Un expert vous est attribué
notify-assigned-body = { $name } va vous aider sous peu.
notify-connect-title = Votre expert souhaite se connecter
notify-connect-body = { $name } est prêt. Ouvrez la fenêtre d’aide pour le rejoindre.
notify-closed-title = Votre demande d’aide est close
notify-closed-body = L’expert a clos votre demande. Demandez à nouveau si vous avez encore besoin d’aide.
notify-expired-title = Votre demande d’aide a expiré
notify-expired-body = Personne ne l’a close à temps. Demandez à nouveau si vous avez encore besoin d’aide.
notify-screen-title = Votre expert souhaite voir votre écran
notify-screen-body = { $name } demande à voir votre écran. Ouvrez la fenêtre d’aide pour répondre.
notify-control-title = Votre expert souhaite utiliser votre souris et votre clavier
notify-control-body = { $name } demande à contrôler cet ordinateur. Ouvrez la fenêtre d’aide pour répondre.

## La fenêtre

app-heading = Aide de { $company }
app-starting = Démarrage…
idle-intro = Besoin d’un coup de main ? Demandez de l’aide et un expert de { $company } vous contactera.
idle-request = Demander de l’aide
requesting = Demande d’aide en cours…
code-label = Votre code de session
code-hint = Lisez ce code à votre expert s’il vous le demande.
code-copy = Copier le code
code-copied = Code copié
code-copy-failed = Impossible de copier. Sélectionnez le code et copiez-le vous-même.
status-label = État
status-waiting-title = En attente d’un expert
status-waiting-next = Vous êtes numéro { $position } dans la file d’attente. Un expert va bientôt prendre votre demande ; vous pouvez continuer à travailler en attendant.
status-waiting-next-unknown = Votre demande est dans la file d’attente. Un expert va bientôt la prendre ; vous pouvez continuer à travailler en attendant.
status-assigned-title = Un expert vous est attribué
status-assigned-next = { $name } s’occupe de votre demande et va se connecter à vous sous peu.
status-connect-title = Votre expert souhaite se connecter
status-connect-next = { $name } est prêt. Rejoignez la session quand vous le serez.
status-in-session-title = En session
status-in-session-next = Vous êtes connecté avec { $name }.
status-closed-title = Demande close
status-closed-next = Cette demande est close. Si vous avez encore besoin d’aide, demandez à nouveau.
status-cancelled-next = Vous avez annulé cette demande. Si vous avez encore besoin d’aide, demandez à nouveau.
status-expired-title = Demande expirée
status-expired-next = Personne n’a clos cette demande à temps. Si vous avez encore besoin d’aide, demandez à nouveau.
status-expert-unknown = votre expert
assignee-label = Votre expert
description-label = Pour quoi avez-vous besoin d’aide ? (facultatif)
description-save = Enregistrer la description
description-saved = Description enregistrée
cancel-button = Annuler la demande
cancel-question = Annuler votre demande d’aide ? Les experts ne la verront plus.
cancel-yes = Oui, l’annuler
cancel-no = Non, la garder
cancel-done = Votre demande a été annulée.
again-button = Demander de l’aide à nouveau
join-toggle = Votre expert vous a donné un code ? Saisissez-le
join-label = Code de session (9 chiffres)
join-submit = Rejoindre
offline-unreachable = Impossible de joindre { $host } — nouvel essai dans { $seconds ->
        [one] { $seconds } seconde
       *[other] { $seconds } secondes
    }
offline-rate-limited = { $host } est surchargé — nouvel essai dans { $seconds ->
        [one] { $seconds } seconde
       *[other] { $seconds } secondes
    }
offline-server-error = { $host } rencontre un problème — nouvel essai dans { $seconds ->
        [one] { $seconds } seconde
       *[other] { $seconds } secondes
    }
offline-now = Impossible de joindre { $host } — nouvel essai en cours…
broken-title = Cette application n’est pas configurée correctement
broken-body = Elle ne peut pas demander d’aide, car son fichier de déploiement est absent ou endommagé. Prévenez votre service informatique et montrez-lui ce message :

## La session en direct et l’écran

session-title = Session avec votre expert
session-invite = { $name } souhaite se connecter
session-join = Rejoindre
session-not-now = Pas maintenant
session-start = Démarrer une session avec l’expert
session-message-label = Message à votre expert
session-send = Envoyer
session-leave = Quitter la session
session-reconnecting = Connexion perdue — reconnexion…
session-me = Vous
screen-request = { $name } souhaite voir votre écran (affichage seul)
screen-share = Partager
screen-not-now = Pas maintenant
screen-control-request = { $name } souhaite utiliser votre souris et votre clavier
screen-control-allow = Autoriser
screen-sharing = { $name } voit votre écran
screen-paused = Partage d’écran en pause : { $name } ne voit rien de nouveau
screen-controlled = { $name } utilise votre souris et votre clavier
screen-pause = Pause
screen-resume = Reprendre
screen-stop = Arrêter le partage
screen-take-back = Reprendre le contrôle (Échap)
screen-unavailable = Le partage d’écran n’est pas encore disponible sur ce système.

## Erreurs

error-invalid-code = Ce n’est pas un code à 9 chiffres. Vérifiez-le et réessayez.
error-not-found = Aucune demande ouverte n’a ce code. Vérifiez-le avec votre expert.
error-invalid-description = La description est trop longue ou contient des caractères non autorisés.
error-unreachable = Impossible de joindre le serveur d’aide. Réessayez dans un instant.
error-rate-limited = Trop de tentatives. Patientez un instant et réessayez.
error-unauthorized = Le serveur d’aide a refusé cette application. Prévenez votre service informatique.
error-conflict = Cette demande est déjà close.
error-busy = Une demande est déjà en cours. Veuillez patienter.
error-no-case = Il n’y a aucune demande ouverte.
error-invalid-message = Le message est vide ou trop long.
error-no-session = Vous n’êtes pas dans une session.
error-validation = Le message est vide ou trop long.
error-screen-unavailable = Le partage d’écran n’est pas encore disponible sur ce système.
error-screen-lapsed = Cette demande a expiré. Votre expert peut la refaire.
error-server-too-old = Le serveur d’aide est trop ancien pour cette application. Prévenez votre service informatique : le serveur doit être mis à jour.
error-server-too-new = Cette application est trop ancienne pour le serveur d’aide. Prévenez votre service informatique : l’application doit être mise à jour.
error-forbidden = Le serveur d’aide ne le permet pas. Prévenez votre service informatique.
error-payload-too-large = C’est trop long pour le serveur d’aide. Raccourcissez et réessayez.
error-internal = Le serveur d’aide rencontre un problème. Réessayez dans un instant.
error-refused = Le serveur d’aide a refusé la demande. Réessayez dans un instant ; si cela se reproduit, prévenez votre service informatique.
error-state = L’application ne peut pas enregistrer ses données sur cet ordinateur (le disque est-il plein ?). Prévenez votre service informatique.
error-screen-not-shared = Votre écran n’est pas partagé.
error-other = Une erreur s’est produite : { $message }
