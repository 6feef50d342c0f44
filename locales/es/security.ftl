## Mensajes: avisos, errores de formulario y errores JSON.

unauthenticated = Inicie sesión para ver este recurso.
forbidden = No tiene permiso para ver este recurso.
anonymous-only = Solo puede acceder a esta página sin haber iniciado sesión.
generic-authn-failed = Error de autenticación: identificador o contraseña/código no válidos
invalid-redirect = No se permiten redirecciones fuera del dominio
invalid-email = Dirección de correo electrónico no válida
email-not-provided = No se ha indicado el correo electrónico
password-not-provided = No se ha indicado la contraseña
passwords-do-not-match = Las contraseñas no coinciden
invalid-password = Contraseña no válida
password-too-short = La contraseña debe tener al menos { $length } caracteres
password-is-the-same = Su nueva contraseña debe ser distinta de la anterior.
invalid-code = Código no válido
csrf-missing = Falta el token CSRF.
csrf-invalid = El token CSRF no es válido.
csrf-expired = El token CSRF ha caducado.
csrf-session-missing = Falta el token CSRF de la sesión.
no-permission-page = Actualmente no tiene permiso para acceder a esta página
account-changed = Su cuenta cambió mientras se procesaba esta solicitud. Inténtelo de nuevo.
reauth-required = Vuelva a autenticarse para acceder a esta página
internal-error = Algo ha fallado por nuestra parte. Inténtelo de nuevo en un momento.
service-busy = El servicio está ocupado. Inténtelo de nuevo en un momento.
too-many-attempts = Demasiados intentos fallidos desde su dirección. Inténtelo más tarde.
payload-too-large = El cuerpo de la solicitud es demasiado grande.
reset-instructions-sent = Se han enviado las instrucciones para restablecer su contraseña a { $email }.
invalid-reset-token = El enlace para restablecer la contraseña no es válido.
password-reset = Ha restablecido su contraseña. Inicie sesión con su nueva contraseña.
password-changed = Ha cambiado su contraseña.
confirmation-sent = Se han enviado las instrucciones de confirmación a { $email }.
email-confirmed = Gracias. Su correo electrónico ha sido confirmado.
already-confirmed = Su correo electrónico ya estaba confirmado.
invalid-confirmation-token = El enlace de confirmación no es válido.
invalid-change-email-token = El enlace para cambiar el correo electrónico no es válido.
change-email-confirmed = Cambio de correo electrónico confirmado
change-email-sent = Se han enviado las instrucciones para confirmar su nueva dirección de correo electrónico a { $email }.
not-a-valid-choice = Opción no válida
choose-an-option = Elija una de las opciones.
code-sent = Se ha enviado un código a su correo electrónico.
identity-code-sent = Si ese identificador está registrado, se le ha enviado un código.
recovery-code-invalid = Código de recuperación no válido
invalid-passcode = La contraseña o el código introducidos no son válidos
us-setup-done = Su método de inicio de sesión ha sido configurado.
us-method-removed = Se ha eliminado el método de inicio de sesión.
us-link-invalid = El enlace de inicio de sesión no es válido o ha caducado.

## Asuntos de los correos

subject-register = Bienvenido
subject-confirm = Confirme su correo electrónico
subject-password-reset = Instrucciones para restablecer su contraseña
subject-password-notice = Su contraseña ha sido restablecida
subject-password-change-notice = Su contraseña ha sido cambiada
subject-change-email = Confirme su nueva dirección de correo electrónico
subject-two-factor = Inicio de sesión en dos pasos
subject-verification-code = Código de verificación
subject-username-recovery = Su nombre de usuario solicitado
subject-username-change-notice = Su nombre de usuario ha sido cambiado
subject-account-deleted = Su cuenta ha sido eliminada
subject-change-email-notice = Su dirección de correo electrónico ha sido cambiada
subject-two-factor-disabled-notice = La autenticación en dos pasos ha sido desactivada
subject-two-factor-changed-notice = Su autenticador de dos pasos ha sido reemplazado
subject-recovery-codes-notice = Se han generado nuevos códigos de recuperación
subject-us-setup-notice = Sus métodos de inicio de sesión han cambiado
subject-account-locked = Su cuenta ha sido bloqueada

## Estructura de la página

site-home = Inicio
nav-signed-in = Sesión iniciada
nav-sign-out = Cerrar sesión
nav-sign-in = Iniciar sesión
nav-register = Registrarse
nav-account = Cuenta

## Campos de formulario

field-email = Correo electrónico
field-identity = Correo electrónico o nombre de usuario
field-password = Contraseña
field-remember = Recordarme

## Página de inicio de sesión

login-title = Iniciar sesión
login-submit = Iniciar sesión
login-forgot-password = ¿Ha olvidado su contraseña?
login-or = o
login-with-code = Iniciar sesión con un código de un solo uso
login-new-here = ¿Es nuevo aquí?
login-create-account = Crear una cuenta
login-forgot-username = ¿Ha olvidado su nombre de usuario?
login-get-username = Recibirlo por correo
login-no-confirmation = ¿No recibió el correo de confirmación?
login-send-again = Enviarlo de nuevo

## Páginas de contraseña olvidada y registro

forgot-title = Restablezca su contraseña
forgot-heading = ¿Ha olvidado su contraseña?
forgot-lead = Introduzca su correo electrónico y le enviaremos un enlace para elegir una nueva.
forgot-submit = Enviar enlace
forgot-remembered = ¿La ha recordado?
link-back-to-sign-in = Volver a iniciar sesión
register-title = Crear una cuenta
field-username = Nombre de usuario
field-password-confirm = Confirme la contraseña
hint-username = Solo letras y números.
hint-password-length = Al menos { $min } caracteres.
register-submit = Crear cuenta
register-have-account = ¿Ya tiene una cuenta?
link-sign-in = Iniciar sesión
error-home = Ir a la página de inicio

## Páginas de contraseña y confirmación

reset-title = Elija una nueva contraseña
reset-submit = Restablecer contraseña
field-new-password = Nueva contraseña
field-new-password-confirm = Confirme la nueva contraseña
field-current-password = Contraseña actual
change-title = Cambiar contraseña
change-submit = Cambiar contraseña
change-forgot-current = ¿Ha olvidado su contraseña actual?
change-reset-by-email = Restablecerla por correo
link-cancel = Cancelar
confirm-title = Reenviar confirmación
confirm-lead = Introduzca la dirección con la que se registró y le enviaremos un nuevo enlace de confirmación.
confirm-submit = Enviar enlace de confirmación

## Correo para restablecer la contraseña

mail-reset-title = Restablezca su contraseña
mail-reset-intro = Alguien (¿usted?) ha solicitado restablecer la contraseña de su cuenta. Elija una nueva contraseña mediante el enlace de abajo.
mail-reset-intro-text = Alguien (¿usted?) ha solicitado restablecer la contraseña de su cuenta.
    Elija una nueva contraseña mediante el enlace de abajo:
mail-reset-button = Elegir una nueva contraseña
mail-link-fallback = Si el botón no funciona, copie esta dirección en su navegador:
mail-reset-ignore = Si no lo ha solicitado usted, ignore este correo: su contraseña no cambia.
mail-reset-ignore-text = Si no lo ha solicitado usted, ignore este correo: su contraseña no
    cambia.
