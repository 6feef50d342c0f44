## Les e-mails autres que celui de réinitialisation du mot de passe. Une variante `-text` est
## la partie texte, là où ses lignes sont coupées autrement que dans la partie HTML.

## Communs à plusieurs e-mails.

mail-button-confirm-email = Confirmer mon adresse e-mail
mail-button-reset-password = Réinitialiser mon mot de passe
mail-confirm-intro = Veuillez confirmer votre adresse e-mail au moyen du lien ci-dessous.
mail-confirm-intro-text = Veuillez confirmer votre adresse e-mail au moyen du lien ci-dessous :
mail-ignore = Si vous n’avez rien demandé, ignorez cet e-mail.
mail-notice-not-you = Si vous n’êtes pas à l’origine de cette action, réinitialisez votre mot de passe et contactez-nous immédiatement : quelqu’un d’autre a peut-être accès à votre compte.
mail-notice-not-you-text = Si vous n’êtes pas à l’origine de cette action, réinitialisez votre mot de
    passe et contactez-nous immédiatement : quelqu’un d’autre a peut-être accès
    à votre compte.

## welcome, welcome_existing, confirmation_instructions

mail-welcome-title = Bienvenue
mail-welcome-greeting = Bienvenue { $email } !
mail-existing-title = Quelqu’un a tenté de s’inscrire avec votre adresse
mail-existing-greeting = Bonjour { $email },
mail-existing-intro = Quelqu’un (vous ?) a tenté de s’inscrire avec cette adresse e-mail, mais un compte existe déjà pour elle.
mail-existing-intro-text = Quelqu’un (vous ?) a tenté de s’inscrire avec cette adresse e-mail, mais un
    compte existe déjà pour elle.
mail-existing-forgot = Si c’était vous et que vous avez oublié votre mot de passe, choisissez-en un nouveau :
mail-existing-forgot-text = Si c’était vous et que vous avez oublié votre mot de passe, choisissez-en
    un nouveau ici :
mail-existing-unconfirmed = Votre adresse e-mail n’est pas encore confirmée. Confirmez-la ici :
mail-existing-ignore = Si ce n’était pas vous, ignorez cet e-mail : rien n’a changé.
mail-confirm-title = Veuillez confirmer votre adresse e-mail

## Avis sur le mot de passe et e-mail de verrouillage.

mail-password-changed-title = Votre mot de passe a été modifié
mail-password-changed-body = Votre mot de passe a été modifié.
mail-password-changed-not-you = Si vous ne l’avez pas modifié, choisissez dès maintenant un nouveau mot de passe.
mail-password-changed-not-you-text = Si vous ne l’avez pas modifié, choisissez dès maintenant un nouveau mot de passe :
mail-reset-notice-title = Votre mot de passe a été réinitialisé
mail-reset-notice-body = Votre mot de passe a été réinitialisé.
mail-reset-notice-not-you = Si vous n’êtes pas à l’origine de cette action, contactez-nous immédiatement : quelqu’un d’autre a peut-être accès à votre compte.
mail-reset-notice-not-you-text = Si vous n’êtes pas à l’origine de cette action, contactez-nous
    immédiatement : quelqu’un d’autre a peut-être accès à votre compte.
mail-locked-title = Votre compte a été verrouillé
mail-locked-intro = Votre compte a été verrouillé après trop de mots de passe erronés. Personne ne peut s’y connecter avec un mot de passe avant le { $until }.
mail-locked-intro-text = Votre compte a été verrouillé après trop de mots de passe erronés. Personne
    ne peut s’y connecter avec un mot de passe avant le { $until }.
mail-locked-wait = Si c’était vous, patientez jusque-là ou choisissez un nouveau mot de passe au moyen du lien ci-dessous, ce qui lève aussi le verrouillage.
mail-locked-wait-text = Si c’était vous, patientez jusque-là ou choisissez un nouveau mot de passe au
    moyen du lien ci-dessous, ce qui lève aussi le verrouillage :
mail-locked-not-you = Si ce n’était pas vous, quelqu’un essaie peut-être de deviner votre mot de passe : il est conseillé d’en choisir un nouveau au moyen du lien.
mail-locked-not-you-text = Si ce n’était pas vous, quelqu’un essaie peut-être de deviner votre mot de
    passe : il est conseillé d’en choisir un nouveau au moyen du lien.

## Changement d’adresse e-mail et de nom d’utilisateur.

mail-change-email-title = Confirmez votre nouvelle adresse e-mail
mail-change-email-intro = Quelqu’un (vous ?) a demandé à remplacer l’adresse e-mail d’un compte par { $new-email }.
mail-change-email-intro-text = Quelqu’un (vous ?) a demandé à remplacer l’adresse e-mail d’un compte par
    { $new-email }.
mail-change-email-confirm = Confirmez la nouvelle adresse au moyen du lien ci-dessous.
mail-change-email-confirm-text = Confirmez la nouvelle adresse au moyen du lien ci-dessous :
mail-change-email-button = Confirmer ma nouvelle adresse
mail-change-email-ignore = D’ici là, l’ancienne adresse reste en usage. Si vous n’avez rien demandé, ignorez cet e-mail.
mail-change-email-ignore-text = D’ici là, l’ancienne adresse reste en usage. Si vous n’avez rien
    demandé, ignorez cet e-mail.
mail-email-changed-title = Votre adresse e-mail a été modifiée
mail-email-changed-body = L’adresse e-mail de votre compte a été modifiée de <strong>{ $old-email }</strong> en <strong>{ $new-email }</strong>.
mail-email-changed-body-text = L’adresse e-mail de votre compte a été modifiée de { $old-email } en
    { $new-email }.
mail-username-changed-title = Votre nom d’utilisateur a été modifié
mail-username-changed-body = Le nom d’utilisateur de votre compte a été modifié de <strong>{ $old-username }</strong> en <strong>{ $username }</strong>.
mail-username-changed-body-text = Le nom d’utilisateur de votre compte a été modifié de { $old-username } en
    { $username }.
mail-username-set-body = Votre compte a désormais le nom d’utilisateur <strong>{ $username }</strong>.
mail-username-set-body-text = Votre compte a désormais le nom d’utilisateur { $username }.
mail-username-title = Le nom d’utilisateur demandé
mail-username-intro = Vous avez demandé le nom d’utilisateur de votre compte. Le voici :
mail-username-ignore = Si vous ne l’avez pas demandé, vous pouvez ignorer cet e-mail.

## Suppression du compte.

mail-deleted-title = Votre compte a été supprimé
mail-deleted-body = Votre compte <strong>{ $email }</strong> a été supprimé, avec ses sessions, ses méthodes de connexion et son historique de sécurité. Les liens et codes qui vous ont été envoyés auparavant ne fonctionnent plus.
mail-deleted-body-text = Votre compte { $email } a été supprimé, avec ses sessions, ses méthodes de
    connexion et son historique de sécurité. Les liens et codes qui vous ont été
    envoyés auparavant ne fonctionnent plus.
mail-deleted-not-you = Si vous n’êtes pas à l’origine de cette action, contactez-nous immédiatement.

## Connexion : codes, nouveaux appareils.

mail-tf-code-title = Connexion à deux facteurs
mail-tf-code-intro = Votre code de connexion est :
mail-tf-code-hint = Saisissez-le sur la page qui vous l’a demandé. Si vous n’avez pas essayé de vous connecter, quelqu’un connaît peut-être votre mot de passe : changez-le.
mail-tf-code-hint-text = Saisissez-le sur la page qui vous l’a demandé. Si vous n’avez pas essayé de
    vous connecter, quelqu’un connaît peut-être votre mot de passe : changez-le.
mail-us-title = Code de vérification
mail-us-intro = Votre code de vérification est :
mail-us-link = Ou connectez-vous directement au moyen de ce lien.
mail-us-link-text = Ou connectez-vous directement au moyen de ce lien :
mail-us-button = Se connecter
mail-us-ignore = Si vous n’avez pas essayé de vous connecter, ignorez cet e-mail.
mail-new-device-title = Nouvelle connexion à votre compte
mail-new-device-intro = Quelqu’un vient de se connecter à votre compte depuis un navigateur ou un appareil qu’il n’a pas utilisé récemment.
mail-new-device-when = Quand : { $at }
mail-new-device-device = Appareil : { $device }
mail-new-device-address = Adresse : { $ip }
mail-new-device-not-you = Si c’était vous, vous n’avez rien à faire. Sinon, changez dès maintenant votre mot de passe et déconnectez les appareils que vous ne reconnaissez pas.
mail-new-device-not-you-text = Si c’était vous, vous n’avez rien à faire. Sinon, changez dès maintenant votre mot de passe et déconnectez les appareils que vous ne reconnaissez pas :
mail-new-device-button = Voir où vous êtes connecté

## Deux facteurs, codes de récupération, méthodes de connexion et clés d’accès.

mail-tf-rescue-title = Demande d’aide pour la connexion à deux facteurs
mail-tf-rescue-body = L’utilisateur { $email } ne parvient pas à se connecter avec son second facteur et demande de l’aide.
mail-tf-rescue-body-text = L’utilisateur { $email } ne parvient pas à se connecter avec son second
    facteur et demande de l’aide.
mail-tf-rescue-check = Assurez-vous que la demande vient vraiment de cette personne avant de désactiver son authentification à deux facteurs.
mail-tf-rescue-check-text = Assurez-vous que la demande vient vraiment de cette personne avant de
    désactiver son authentification à deux facteurs.
mail-tf-disabled-title = L’authentification à deux facteurs a été désactivée
mail-tf-disabled-body = L’authentification à deux facteurs a été désactivée pour votre compte { $email }. Votre mot de passe suffit désormais pour vous connecter.
mail-tf-disabled-body-text = L’authentification à deux facteurs a été désactivée pour votre compte
    { $email }. Votre mot de passe suffit désormais pour vous connecter.
mail-tf-changed-title = Votre authentificateur à deux facteurs a été remplacé
mail-tf-changed-body = Un nouvel authentificateur a été configuré pour votre compte { $email }. Les codes de l’authentificateur précédent ne fonctionnent plus.
mail-tf-changed-body-text = Un nouvel authentificateur a été configuré pour votre compte { $email }.
    Les codes de l’authentificateur précédent ne fonctionnent plus.
mail-recovery-codes-title = De nouveaux codes de récupération ont été générés
mail-recovery-codes-body = De nouveaux codes de récupération ont été générés pour votre compte { $email }. Vos anciens codes de récupération ne fonctionnent plus.
mail-recovery-codes-body-text = De nouveaux codes de récupération ont été générés pour votre compte
    { $email }. Vos anciens codes de récupération ne fonctionnent plus.
mail-us-setup-title = Vos méthodes de connexion ont changé
mail-us-setup-intro = Les méthodes de connexion de votre compte { $email } ont changé :
mail-us-setup-added = ajoutée : { $method }
mail-us-setup-removed = supprimée : { $method }
mail-passkey-added-title = Une clé d’accès a été ajoutée à votre compte
mail-passkey-added-body = Une clé d’accès nommée { $name } a été ajoutée à votre compte { $email }. Elle permet de se connecter.
mail-passkey-removed-title = Une clé d’accès a été retirée de votre compte
mail-passkey-removed-body = La clé d’accès nommée { $name } a été retirée de votre compte { $email }. Elle ne permet plus de se connecter.

## Objets des e-mails qui n’en ont pas dans security.ftl.

subject-new-device = Nouvelle connexion à votre compte
