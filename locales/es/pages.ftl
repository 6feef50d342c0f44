# Textos de las páginas de seguridad más allá del inicio de sesión, el registro y las contraseñas.

## Comunes
page-continue = Continuar
page-verify = Verificar
page-send-code = Enviar código
page-send-code-by = Enviar el código por
page-password-or-code = Contraseña o código
page-confirm-title = Confirme que es usted
page-phone = Número de teléfono
page-phone-hint = Incluya el prefijo del país, por ejemplo +34 912 345 678.
page-use-recovery-code = Usar un código de recuperación
page-continue-passkey = Continuar con una llave de acceso
page-use-my-passkey = Usar mi llave de acceso
page-new-username = Nuevo nombre de usuario

## Elementos de formulario
method-email-rescue = Enviarme un código de un solo uso por correo electrónico
method-email = Correo electrónico
method-authenticator = Aplicación de autenticación
method-sms = Mensaje de texto (SMS)
method-password = Contraseña
method-disable = Desactivar la autenticación en dos pasos
method-help = Pedir ayuda al administrador del sitio
method-recovery-code = Usar un código de recuperación
authr-heading = Escanee con su aplicación de autenticación
authr-lead = Abra una aplicación de autenticación (como Google Authenticator, Microsoft Authenticator, 1Password o Aegis), añada una cuenta y escanee este código QR.
authr-qr-label = Código QR para añadir { $account } a una aplicación de autenticación
authr-cant-scan = ¿No puede escanearlo? Introduzca esta clave a mano:
authr-issuer = Emisor
authr-account = Cuenta
authr-type = Tipo
authr-totp = Basado en el tiempo (TOTP)
authr-open = Abrir en una aplicación de autenticación de este dispositivo

## Inicio de sesión con código
us-signin-lead = Use su contraseña o reciba un código de un solo uso.
us-signin-passcode-hint = Su contraseña o el código que le hemos enviado.
us-signin-no-password = ¿No tiene la contraseña a mano?
us-signin-send-before = Introduzca arriba su correo electrónico y elija
us-signin-send-after = . Le enviaremos por correo electrónico un código de un solo uso para introducir arriba, junto con un enlace que inicia su sesión.
us-signin-with-password = Iniciar sesión con correo electrónico y contraseña
us-setup-title = Métodos de inicio de sesión
us-setup-lead = Además de con su contraseña, puede iniciar sesión con un código de un solo uso.
us-setup-active = Activos:
us-setup-code-sent = Le hemos enviado un código. Introdúzcalo abajo para terminar de configurar este método.
us-setup-code = Código de verificación
us-setup-other = Configurar otro método
us-setup-choose = Configurar
us-setup-remove = Quitar
us-setup-save = Guardar
us-verify-lead = Introduzca su contraseña o un código de un solo uso para continuar.
us-verify-need-code = ¿Necesita un código? Elija adónde enviarlo y luego
us-verify-need-code-after = .

## Autenticación en dos pasos
tf-title = Autenticación en dos pasos
tf-on = Activada
tf-on-status = Inicia sesión con un segundo paso:
tf-off = Desactivada
tf-off-status = Añada un segundo paso al inicio de sesión: un código de 6 dígitos de una aplicación de su teléfono.
tf-app-code = Código de la aplicación
tf-app-code-hint = Introduzca el código de 6 dígitos que muestra la aplicación para terminar.
tf-verify-turn-on = Verificar y activar
tf-other-method = Elegir otro método
tf-method = Método
tf-lost-phone = ¿Ha perdido su teléfono?
tf-setup-recovery-codes = Configurar códigos de recuperación
tf-verify-lead = Introduzca el código de 6 dígitos de su aplicación de autenticación o un código que le hayamos enviado por correo electrónico.
tf-code = Código de autenticación
tf-cant-use-app = ¿No puede usar su aplicación de autenticación?
tf-get-back-in = Recuperar el acceso
tf-have-recovery-code = ¿Tiene un código de recuperación?
tf-passkey-second = ¿Registró una llave de acceso como segundo factor?
tf-use-passkey = Usar su llave de acceso

## Códigos de recuperación
mf-recovery-lead = Introduzca uno de los códigos de recuperación que guardó al configurar la autenticación en dos pasos.
mf-recovery-code = Código de recuperación
mf-recovery-code-hint = Tiene este aspecto: 1a2b-3c4d-5e6f.
mf-recovery-use-app = Usar su aplicación de autenticación en su lugar
mf-codes-title = Códigos de recuperación
mf-codes-lead = Si pierde el acceso a su aplicación de autenticación, un código de recuperación le permite terminar de iniciar sesión. Cada código sirve una sola vez.
mf-codes-store = Guárdelos en un lugar seguro
mf-codes-store-why = , como un gestor de contraseñas o una copia impresa. Cualquiera que los tenga junto con su contraseña puede iniciar sesión en su nombre.
mf-codes-show = Mostrar mis códigos de recuperación
mf-codes-replace = Generar códigos nuevos sustituye a los códigos que ya tenga.
mf-codes-generate = Generar códigos nuevos
mf-codes-tf-settings = Ajustes de la autenticación en dos pasos

## Confirmar que es usted
verify-lead = Introduzca de nuevo su contraseña para continuar.
verify-use-code = Usar un código de un solo uso en su lugar
verify-use-passkey = Usar una llave de acceso en su lugar

## Cuenta
change-email-title = Cambiar el correo electrónico
change-email-current = Su dirección actual es
change-email-lead = Enviaremos un enlace de confirmación a la nueva dirección. Su dirección cambiará cuando siga ese enlace.
change-email-new = Nuevo correo electrónico
change-email-submit = Enviar enlace de confirmación
change-username-title = Cambiar el nombre de usuario
change-username-current = Su nombre de usuario es
change-username-none = Su cuenta todavía no tiene nombre de usuario.
change-username-lead = Solo letras y dígitos. Puede iniciar sesión con su nombre de usuario o su correo electrónico.
delete-title = Eliminar su cuenta
delete-lead = Esto elimina su cuenta de forma definitiva, junto con sus métodos de inicio de sesión, las sesiones en todos sus dispositivos y su actividad de seguridad. No se puede deshacer.
delete-password = Su contraseña
delete-password-hint = Para confirmar que es usted.
delete-submit = Eliminar mi cuenta
delete-keep = Conservar mi cuenta
recover-username-title = Nombre de usuario olvidado
recover-username-heading = ¿Olvidó su nombre de usuario?
recover-username-lead = Introduzca su correo electrónico y le enviaremos a él su nombre de usuario.
recover-username-submit = Enviar mi nombre de usuario

## Actividad y sesiones
activity-title = Actividad de seguridad
activity-lead = Inicios de sesión y cambios en la seguridad de su cuenta, los más recientes primero. Si algo de esto no lo hizo usted, cambie su contraseña y
activity-lead-link = cierre la sesión en los dispositivos
activity-lead-end = {" "}que no reconozca.
activity-empty = Todavía no hay nada registrado.
activity-newer = Más recientes
activity-older = Más antiguos
sessions-title = Dónde ha iniciado sesión
sessions-lead = Cada navegador o dispositivo con sesión iniciada en su cuenta. Cierre la sesión en los que no reconozca y después cambie su contraseña.
sessions-this-device = este dispositivo
sessions-remembered = recordado
sessions-signed-in = sesión iniciada el
sessions-last-active = última actividad el
sessions-sign-out-here = Cerrar sesión aquí
sessions-sign-out = Cerrar sesión
sessions-sign-out-others = Cerrar sesión en todos los demás

## Llaves de acceso
wan-title = Llaves de acceso
wan-lead = Una llave de acceso le permite iniciar sesión con el bloqueo de pantalla de su dispositivo o una llave de seguridad en lugar de una contraseña.
wan-list-usage-first = inicio de sesión
wan-list-usage-second = segundo factor
wan-added = añadida el
wan-last-used = último uso el
wan-none = Todavía no tiene llaves de acceso.
wan-create-heading = Crear la llave de acceso
wan-create = Crear llave de acceso
wan-add-heading = Añadir una llave de acceso
wan-name = Nombre de esta llave de acceso
wan-name-hint = Por ejemplo, el dispositivo en el que está.
wan-use-it = Usarla para
wan-add = Añadir llave de acceso
wan-rename-heading = Cambiar el nombre de una llave de acceso
wan-current-name = Nombre actual
wan-new-name = Nombre nuevo
wan-rename = Cambiar nombre
wan-remove-heading = Quitar una llave de acceso
wan-remove-name = Nombre de la llave de acceso que quiere quitar
wan-remove = Quitar
wan-signin-title = Iniciar sesión con una llave de acceso
wan-confirm-title = Confirme con su llave de acceso
wan-other-way = Iniciar sesión de otra forma
wan-verify-lead = Use una de sus llaves de acceso para continuar.
wan-use-password = Usar su contraseña en su lugar
wan-unsupported = Las llaves de acceso necesitan JavaScript y un navegador compatible con WebAuthn. Use otro navegador u otra forma de iniciar sesión.
