# Textes des pages de sécurité au-delà de la connexion, de l'inscription et des mots de passe.

## Commun
page-continue = Continuer
page-verify = Vérifier
page-send-code = Envoyer le code
page-send-code-by = Envoyer le code par
page-password-or-code = Mot de passe ou code
page-confirm-title = Confirmez votre identité
page-phone = Numéro de téléphone
page-phone-hint = Avec l'indicatif du pays, par exemple +33 1 23 45 67 89.
page-use-recovery-code = Utiliser un code de récupération
page-continue-passkey = Continuer avec une clé d'accès
page-use-my-passkey = Utiliser ma clé d'accès
page-new-username = Nouveau nom d'utilisateur

## Éléments de formulaire
method-email-rescue = M'envoyer un code à usage unique par e-mail
method-email = E-mail
method-authenticator = Application d'authentification
method-sms = SMS
method-password = Mot de passe
method-disable = Désactiver l'authentification à deux facteurs
method-help = Demander de l'aide à l'administrateur du site
method-recovery-code = Utiliser un code de récupération
authr-heading = Scannez avec votre application d'authentification
authr-lead = Ouvrez une application d'authentification (comme Google Authenticator, Microsoft Authenticator, 1Password ou Aegis), ajoutez un compte et scannez ce code QR.
authr-qr-label = Code QR pour ajouter { $account } à une application d'authentification
authr-cant-scan = Impossible de le scanner ? Saisissez cette clé à la main :
authr-issuer = Émetteur
authr-account = Compte
authr-type = Type
authr-totp = Basé sur le temps (TOTP)
authr-open = Ouvrir dans une application d'authentification sur cet appareil

## Connexion par code
us-signin-lead = Utilisez votre mot de passe, ou recevez un code à usage unique.
us-signin-passcode-hint = Votre mot de passe, ou le code que nous vous avons envoyé.
us-signin-no-password = Pas de mot de passe sous la main ?
us-signin-send-before = Saisissez votre adresse e-mail ci-dessus et choisissez
us-signin-send-after = . Nous vous enverrons par e-mail un code à usage unique à saisir ci-dessus, ainsi qu'un lien qui vous connecte.
us-signin-with-password = Se connecter avec l'adresse e-mail et le mot de passe
us-setup-title = Méthodes de connexion
us-setup-lead = En plus de votre mot de passe, vous pouvez vous connecter avec un code à usage unique.
us-setup-active = Actives :
us-setup-code-sent = Nous vous avons envoyé un code. Saisissez-le ci-dessous pour terminer la configuration de cette méthode.
us-setup-code = Code de vérification
us-setup-other = Configurer une autre méthode
us-setup-choose = Configurer
us-setup-remove = Supprimer
us-setup-save = Enregistrer
us-verify-lead = Saisissez votre mot de passe ou un code à usage unique pour continuer.
us-verify-need-code = Besoin d'un code ? Choisissez où l'envoyer, puis
us-verify-need-code-after = .

## Authentification à deux facteurs
tf-title = Authentification à deux facteurs
tf-on = Activée
tf-on-status = Vous vous connectez avec une deuxième étape :
tf-off = Désactivée
tf-off-status = Ajoutez une deuxième étape à la connexion : un code à 6 chiffres fourni par une application sur votre téléphone.
tf-app-code = Code de l'application
tf-app-code-hint = Saisissez le code à 6 chiffres affiché par l'application pour terminer.
tf-verify-turn-on = Vérifier et activer
tf-other-method = Choisir une autre méthode
tf-method = Méthode
tf-lost-phone = Téléphone perdu ?
tf-setup-recovery-codes = Configurer des codes de récupération
tf-verify-lead = Saisissez le code à 6 chiffres de votre application d'authentification, ou un code que nous vous avons envoyé par e-mail.
tf-code = Code d'authentification
tf-cant-use-app = Vous ne pouvez pas utiliser votre application d'authentification ?
tf-get-back-in = Retrouver l'accès
tf-have-recovery-code = Vous avez un code de récupération ?
tf-passkey-second = Vous avez enregistré une clé d'accès comme deuxième facteur ?
tf-use-passkey = Utiliser votre clé d'accès

## Codes de récupération
mf-recovery-lead = Saisissez l'un des codes de récupération que vous avez conservés lors de la configuration de l'authentification à deux facteurs.
mf-recovery-code = Code de récupération
mf-recovery-code-hint = Il ressemble à 1a2b-3c4d-5e6f.
mf-recovery-use-app = Utiliser plutôt votre application d'authentification
mf-codes-title = Codes de récupération
mf-codes-lead = Si vous perdez l'accès à votre application d'authentification, un code de récupération vous permet de terminer la connexion. Chaque code ne fonctionne qu'une fois.
mf-codes-store = Conservez-les en lieu sûr
mf-codes-store-why = , par exemple dans un gestionnaire de mots de passe ou sur papier. Toute personne qui les possède avec votre mot de passe peut se connecter à votre place.
mf-codes-show = Afficher mes codes de récupération
mf-codes-replace = La création de nouveaux codes remplace tous vos codes existants.
mf-codes-generate = Créer de nouveaux codes
mf-codes-tf-settings = Paramètres de l'authentification à deux facteurs

## Confirmer votre identité
verify-lead = Veuillez saisir à nouveau votre mot de passe pour continuer.
verify-use-code = Utiliser plutôt un code à usage unique
verify-use-passkey = Utiliser plutôt une clé d'accès

## Compte
change-email-title = Modifier l'adresse e-mail
change-email-current = Votre adresse actuelle est
change-email-lead = Nous enverrons un lien de confirmation à la nouvelle adresse. Votre adresse changera dès que vous aurez suivi ce lien.
change-email-new = Nouvelle adresse e-mail
change-email-submit = Envoyer le lien de confirmation
change-username-title = Modifier le nom d'utilisateur
change-username-current = Votre nom d'utilisateur est
change-username-none = Votre compte n'a pas encore de nom d'utilisateur.
change-username-lead = Lettres et chiffres uniquement. Vous pouvez vous connecter avec votre nom d'utilisateur ou votre adresse e-mail.
delete-title = Supprimer votre compte
delete-lead = Votre compte sera supprimé définitivement, avec vos méthodes de connexion, vos sessions sur tous vos appareils et votre activité de sécurité. Cette action est irréversible.
delete-password = Votre mot de passe
delete-password-hint = Pour confirmer votre identité.
delete-submit = Supprimer mon compte
delete-keep = Conserver mon compte
recover-username-title = Nom d'utilisateur oublié
recover-username-heading = Nom d'utilisateur oublié ?
recover-username-lead = Saisissez votre adresse e-mail et nous vous y enverrons votre nom d'utilisateur.
recover-username-submit = Envoyer mon nom d'utilisateur

## Activité et sessions
activity-title = Activité de sécurité
activity-lead = Connexions et modifications de la sécurité de votre compte, les plus récentes d'abord. Si quelque chose ne vient pas de vous, changez votre mot de passe et
activity-lead-link = déconnectez les appareils
activity-lead-end = {" "}que vous ne reconnaissez pas.
activity-empty = Rien n'a encore été enregistré.
activity-newer = Plus récentes
activity-older = Plus anciennes
sessions-title = Où vous êtes connecté
sessions-lead = Chaque navigateur ou appareil connecté à votre compte. Déconnectez ceux que vous ne reconnaissez pas, puis changez votre mot de passe.
sessions-this-device = cet appareil
sessions-remembered = mémorisé
sessions-signed-in = connecté le
sessions-last-active = dernière activité le
sessions-sign-out-here = Se déconnecter ici
sessions-sign-out = Déconnecter
sessions-sign-out-others = Déconnecter partout ailleurs

## Clés d'accès
wan-title = Clés d'accès
wan-lead = Une clé d'accès vous permet de vous connecter avec le verrouillage d'écran de votre appareil ou une clé de sécurité au lieu d'un mot de passe.
wan-list-usage-first = connexion
wan-list-usage-second = deuxième facteur
wan-added = ajoutée le
wan-last-used = dernière utilisation le
wan-none = Vous n'avez pas encore de clé d'accès.
wan-create-heading = Créer la clé d'accès
wan-create = Créer la clé d'accès
wan-add-heading = Ajouter une clé d'accès
wan-name = Nom de cette clé d'accès
wan-name-hint = Par exemple l'appareil sur lequel elle se trouve.
wan-use-it = Utilisation
wan-add = Ajouter la clé d'accès
wan-rename-heading = Renommer une clé d'accès
wan-current-name = Nom actuel
wan-new-name = Nouveau nom
wan-rename = Renommer
wan-remove-heading = Supprimer une clé d'accès
wan-remove-name = Nom de la clé d'accès à supprimer
wan-remove = Supprimer
wan-signin-title = Se connecter avec une clé d'accès
wan-confirm-title = Confirmer avec votre clé d'accès
wan-other-way = Se connecter autrement
wan-verify-lead = Utilisez l'une de vos clés d'accès pour continuer.
wan-use-password = Utiliser plutôt votre mot de passe
wan-unsupported = Les clés d'accès nécessitent JavaScript et un navigateur compatible WebAuthn. Veuillez utiliser un autre navigateur ou un autre moyen de connexion.
