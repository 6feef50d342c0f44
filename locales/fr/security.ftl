## Messages : notifications, erreurs de formulaire et erreurs JSON.

unauthenticated = Veuillez vous connecter pour accéder à cette page.
forbidden = Vous n’avez pas l’autorisation d’accéder à cette page.
anonymous-only = Cette page n’est accessible que si vous n’êtes pas connecté.
generic-authn-failed = Échec de l’authentification : identifiant ou mot de passe/code invalide
invalid-redirect = Les redirections hors du domaine sont interdites
invalid-email = Adresse e-mail invalide
email-not-provided = Adresse e-mail non renseignée
password-not-provided = Mot de passe non renseigné
passwords-do-not-match = Les mots de passe ne correspondent pas
invalid-password = Mot de passe invalide
password-too-short = Le mot de passe doit contenir au moins { $length } caractères
password-is-the-same = Votre nouveau mot de passe doit être différent du précédent.
invalid-code = Code invalide
csrf-missing = Le jeton CSRF est manquant.
csrf-invalid = Le jeton CSRF est invalide.
csrf-expired = Le jeton CSRF a expiré.
csrf-session-missing = Le jeton CSRF de session est manquant.
no-permission-page = Vous n’avez actuellement pas l’autorisation d’accéder à cette page
account-changed = Votre compte a été modifié pendant le traitement de cette requête. Veuillez réessayer.
reauth-required = Veuillez vous authentifier de nouveau pour accéder à cette page
internal-error = Une erreur s’est produite de notre côté. Veuillez réessayer dans un instant.
service-busy = Le service est surchargé. Veuillez réessayer dans un instant.
too-many-attempts = Trop de tentatives échouées depuis votre adresse. Veuillez réessayer plus tard.
payload-too-large = Le corps de la requête est trop volumineux.
reset-instructions-sent = Les instructions pour réinitialiser votre mot de passe ont été envoyées à { $email }.
invalid-reset-token = Lien de réinitialisation du mot de passe invalide.
password-reset = Votre mot de passe a bien été réinitialisé. Veuillez vous connecter avec votre nouveau mot de passe.
password-changed = Votre mot de passe a bien été modifié.
confirmation-sent = Les instructions de confirmation ont été envoyées à { $email }.
email-confirmed = Merci. Votre adresse e-mail est confirmée.
already-confirmed = Votre adresse e-mail a déjà été confirmée.
invalid-confirmation-token = Lien de confirmation invalide.
invalid-change-email-token = Lien de changement d’adresse e-mail invalide.
change-email-confirmed = Changement d’adresse e-mail confirmé
change-email-sent = Les instructions pour confirmer votre nouvelle adresse e-mail ont été envoyées à { $email }.
not-a-valid-choice = Choix invalide
choose-an-option = Veuillez choisir l’une des options.
code-sent = Un code a été envoyé à votre adresse e-mail.
identity-code-sent = Si cet identifiant est connu, un code vous a été envoyé.
recovery-code-invalid = Code de récupération invalide
invalid-passcode = Le mot de passe ou le code saisi n’est pas valide
us-setup-done = Votre méthode de connexion a été configurée.
us-method-removed = La méthode de connexion a été supprimée.
us-link-invalid = Le lien de connexion est invalide ou a expiré.

## Objets des e-mails

subject-register = Bienvenue
subject-confirm = Veuillez confirmer votre adresse e-mail
subject-password-reset = Instructions pour réinitialiser votre mot de passe
subject-password-notice = Votre mot de passe a été réinitialisé
subject-password-change-notice = Votre mot de passe a été modifié
subject-change-email = Confirmez votre nouvelle adresse e-mail
subject-two-factor = Connexion à deux facteurs
subject-verification-code = Code de vérification
subject-username-recovery = Votre nom d’utilisateur
subject-username-change-notice = Votre nom d’utilisateur a été modifié
subject-account-deleted = Votre compte a été supprimé
subject-change-email-notice = Votre adresse e-mail a été modifiée
subject-two-factor-disabled-notice = L’authentification à deux facteurs a été désactivée
subject-two-factor-changed-notice = Votre application d’authentification à deux facteurs a été remplacée
subject-recovery-codes-notice = De nouveaux codes de récupération ont été générés
subject-us-setup-notice = Vos méthodes de connexion ont changé
subject-account-locked = Votre compte a été verrouillé

## Mise en page

site-home = Accueil
nav-signed-in = Connecté
nav-sign-out = Se déconnecter
nav-sign-in = Se connecter
nav-register = S’inscrire
nav-account = Compte

## Champs de formulaire

field-email = Adresse e-mail
field-identity = Adresse e-mail ou nom d’utilisateur
field-password = Mot de passe
field-remember = Se souvenir de moi

## Page de connexion

login-title = Connexion
login-submit = Se connecter
login-forgot-password = Mot de passe oublié ?
login-or = ou
login-with-code = Se connecter avec un code à usage unique
login-new-here = Nouveau ici ?
login-create-account = Créer un compte
login-forgot-username = Nom d’utilisateur oublié ?
login-get-username = Le recevoir par e-mail
login-no-confirmation = Vous n’avez pas reçu l’e-mail de confirmation ?
login-send-again = Le renvoyer

## Pages « mot de passe oublié » et inscription

forgot-title = Réinitialisez votre mot de passe
forgot-heading = Mot de passe oublié ?
forgot-lead = Saisissez votre adresse e-mail : nous vous enverrons un lien pour en choisir un nouveau.
forgot-submit = Envoyer le lien
forgot-remembered = Il vous est revenu ?
link-back-to-sign-in = Retour à la connexion
register-title = Créer un compte
field-username = Nom d’utilisateur
field-password-confirm = Confirmez le mot de passe
hint-username = Lettres et chiffres uniquement.
hint-password-length = Au moins { $min } caractères.
register-submit = Créer le compte
register-have-account = Vous avez déjà un compte ?
link-sign-in = Se connecter
error-home = Aller à la page d’accueil

## Pages de mot de passe et de confirmation

reset-title = Choisissez un nouveau mot de passe
reset-submit = Réinitialiser le mot de passe
field-new-password = Nouveau mot de passe
field-new-password-confirm = Confirmez le nouveau mot de passe
field-current-password = Mot de passe actuel
change-title = Changer de mot de passe
change-submit = Changer le mot de passe
change-forgot-current = Vous avez oublié votre mot de passe actuel ?
change-reset-by-email = Le réinitialiser par e-mail
link-cancel = Annuler
confirm-title = Renvoyer la confirmation
confirm-lead = Saisissez l’adresse utilisée lors de votre inscription : nous vous enverrons un nouveau lien de confirmation.
confirm-submit = Envoyer le lien de confirmation

## E-mail de réinitialisation du mot de passe

mail-reset-title = Réinitialisez votre mot de passe
mail-reset-intro = Quelqu’un (vous ?) a demandé la réinitialisation du mot de passe de votre compte. Choisissez un nouveau mot de passe grâce au lien ci-dessous.
mail-reset-intro-text = Quelqu’un (vous ?) a demandé la réinitialisation du mot de passe de votre
    compte. Choisissez un nouveau mot de passe grâce au lien ci-dessous :
mail-reset-button = Choisir un nouveau mot de passe
mail-link-fallback = Si le bouton ne fonctionne pas, copiez cette adresse dans votre navigateur :
mail-reset-ignore = Si vous n’êtes pas à l’origine de cette demande, ignorez cet e-mail : votre mot de passe reste inchangé.
mail-reset-ignore-text = Si vous n’êtes pas à l’origine de cette demande, ignorez cet e-mail : votre
    mot de passe reste inchangé.
