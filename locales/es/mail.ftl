## Los correos distintos del de restablecimiento de la contraseña. Una variante `-text` es la
## parte de texto, donde sus líneas se cortan de otro modo que en la parte HTML.

## Compartidos por varios correos.

mail-button-confirm-email = Confirmar mi correo electrónico
mail-button-reset-password = Restablecer mi contraseña
mail-confirm-intro = Confirme su dirección de correo electrónico mediante el siguiente enlace.
mail-confirm-intro-text = Confirme su dirección de correo electrónico mediante el siguiente enlace:
mail-ignore = Si usted no lo ha solicitado, ignore este correo.
mail-notice-not-you = Si no ha sido usted, restablezca su contraseña y póngase en contacto con nosotros de inmediato: es posible que otra persona tenga acceso a su cuenta.
mail-notice-not-you-text = Si no ha sido usted, restablezca su contraseña y póngase en contacto con
    nosotros de inmediato: es posible que otra persona tenga acceso a su cuenta.

## welcome, welcome_existing, confirmation_instructions

mail-welcome-title = Bienvenido
mail-welcome-greeting = ¡Bienvenido, { $email }!
mail-existing-title = Alguien intentó registrarse con su dirección
mail-existing-greeting = Hola, { $email }:
mail-existing-intro = Alguien (¿usted?) intentó registrarse con esta dirección de correo electrónico, pero ya tiene una cuenta.
mail-existing-intro-text = Alguien (¿usted?) intentó registrarse con esta dirección de correo
    electrónico, pero ya tiene una cuenta.
mail-existing-forgot = Si fue usted y ha olvidado su contraseña, elija una nueva:
mail-existing-forgot-text = Si fue usted y ha olvidado su contraseña, elija una nueva aquí:
mail-existing-unconfirmed = Su dirección de correo electrónico aún no está confirmada. Confírmela aquí:
mail-existing-ignore = Si no fue usted, ignore este correo: no ha cambiado nada.
mail-confirm-title = Confirme su correo electrónico

## Avisos sobre la contraseña y el correo de bloqueo.

mail-password-changed-title = Su contraseña ha sido cambiada
mail-password-changed-body = Su contraseña ha sido cambiada.
mail-password-changed-not-you = Si usted no la ha cambiado, elija ahora una nueva contraseña.
mail-password-changed-not-you-text = Si usted no la ha cambiado, elija ahora una nueva contraseña:
mail-reset-notice-title = Su contraseña ha sido restablecida
mail-reset-notice-body = Su contraseña ha sido restablecida.
mail-reset-notice-not-you = Si no ha sido usted, póngase en contacto con nosotros de inmediato: es posible que otra persona tenga acceso a su cuenta.
mail-reset-notice-not-you-text = Si no ha sido usted, póngase en contacto con nosotros de inmediato: es
    posible que otra persona tenga acceso a su cuenta.
mail-locked-title = Su cuenta ha sido bloqueada
mail-locked-intro = Su cuenta ha sido bloqueada tras demasiadas contraseñas incorrectas. Nadie podrá iniciar sesión en ella con una contraseña hasta el { $until }.
mail-locked-intro-text = Su cuenta ha sido bloqueada tras demasiadas contraseñas incorrectas. Nadie
    podrá iniciar sesión en ella con una contraseña hasta el { $until }.
mail-locked-wait = Si fue usted, espere hasta entonces o elija una nueva contraseña mediante el siguiente enlace, que también pone fin al bloqueo.
mail-locked-wait-text = Si fue usted, espere hasta entonces o elija una nueva contraseña mediante el
    siguiente enlace, que también pone fin al bloqueo:
mail-locked-not-you = Si no fue usted, es posible que alguien esté intentando adivinar su contraseña: conviene elegir una nueva mediante el enlace.
mail-locked-not-you-text = Si no fue usted, es posible que alguien esté intentando adivinar su
    contraseña: conviene elegir una nueva mediante el enlace.

## Cambio de la dirección de correo y del nombre de usuario.

mail-change-email-title = Confirme su nueva dirección de correo electrónico
mail-change-email-intro = Alguien (¿usted?) solicitó cambiar la dirección de correo electrónico de una cuenta a { $new-email }.
mail-change-email-intro-text = Alguien (¿usted?) solicitó cambiar la dirección de correo electrónico de
    una cuenta a { $new-email }.
mail-change-email-confirm = Confirme la nueva dirección mediante el siguiente enlace.
mail-change-email-confirm-text = Confirme la nueva dirección mediante el siguiente enlace:
mail-change-email-button = Confirmar mi nueva dirección
mail-change-email-ignore = Hasta entonces se sigue usando la dirección anterior. Si usted no lo ha solicitado, ignore este correo.
mail-change-email-ignore-text = Hasta entonces se sigue usando la dirección anterior. Si usted no lo ha
    solicitado, ignore este correo.
mail-email-changed-title = Su dirección de correo electrónico ha sido cambiada
mail-email-changed-body = La dirección de correo electrónico de su cuenta ha cambiado de <strong>{ $old-email }</strong> a <strong>{ $new-email }</strong>.
mail-email-changed-body-text = La dirección de correo electrónico de su cuenta ha cambiado de
    { $old-email } a { $new-email }.
mail-username-changed-title = Su nombre de usuario ha sido cambiado
mail-username-changed-body = El nombre de usuario de su cuenta ha cambiado de <strong>{ $old-username }</strong> a <strong>{ $username }</strong>.
mail-username-changed-body-text = El nombre de usuario de su cuenta ha cambiado de { $old-username } a
    { $username }.
mail-username-set-body = Su cuenta tiene ahora el nombre de usuario <strong>{ $username }</strong>.
mail-username-set-body-text = Su cuenta tiene ahora el nombre de usuario { $username }.
mail-username-title = El nombre de usuario solicitado
mail-username-intro = Usted solicitó el nombre de usuario de su cuenta. Es:
mail-username-ignore = Si no lo ha solicitado, puede ignorar este correo.

## Eliminación de la cuenta.

mail-deleted-title = Su cuenta ha sido eliminada
mail-deleted-body = Su cuenta <strong>{ $email }</strong> ha sido eliminada, junto con sus sesiones, sus métodos de inicio de sesión y su historial de seguridad. Los enlaces y códigos que se le enviaron antes ya no funcionan.
mail-deleted-body-text = Su cuenta { $email } ha sido eliminada, junto con sus sesiones, sus métodos
    de inicio de sesión y su historial de seguridad. Los enlaces y códigos que se
    le enviaron antes ya no funcionan.
mail-deleted-not-you = Si no ha sido usted, póngase en contacto con nosotros de inmediato.

## Inicio de sesión: códigos, dispositivos nuevos.

mail-tf-code-title = Inicio de sesión en dos pasos
mail-tf-code-intro = Su código de inicio de sesión es:
mail-tf-code-hint = Introdúzcalo en la página que se lo pidió. Si usted no intentó iniciar sesión, es posible que alguien conozca su contraseña: cámbiela.
mail-tf-code-hint-text = Introdúzcalo en la página que se lo pidió. Si usted no intentó iniciar
    sesión, es posible que alguien conozca su contraseña: cámbiela.
mail-us-title = Código de verificación
mail-us-intro = Su código de verificación es:
mail-us-link = O inicie sesión directamente mediante este enlace.
mail-us-link-text = O inicie sesión directamente mediante este enlace:
mail-us-button = Iniciar sesión
mail-us-ignore = Si usted no intentó iniciar sesión, ignore este correo.
mail-new-device-title = Nuevo inicio de sesión en su cuenta
mail-new-device-intro = Se acaba de iniciar sesión en su cuenta desde un navegador o dispositivo que no se había usado recientemente.
mail-new-device-when = Cuándo: { $at }
mail-new-device-device = Dispositivo: { $device }
mail-new-device-address = Dirección: { $ip }
mail-new-device-not-you = Si fue usted, no tiene que hacer nada. Si no, cambie ahora su contraseña y cierre la sesión en los dispositivos que no reconozca.
mail-new-device-not-you-text = Si fue usted, no tiene que hacer nada. Si no, cambie ahora su contraseña y cierre la sesión en los dispositivos que no reconozca:
mail-new-device-button = Ver dónde tiene la sesión iniciada

## Dos pasos, códigos de recuperación, métodos de inicio de sesión y llaves de acceso.

mail-tf-rescue-title = Solicitud de ayuda con la verificación en dos pasos
mail-tf-rescue-body = El usuario { $email } no puede iniciar sesión con su segundo factor y solicita ayuda.
mail-tf-rescue-body-text = El usuario { $email } no puede iniciar sesión con su segundo factor y
    solicita ayuda.
mail-tf-rescue-check = Asegúrese de que la solicitud procede realmente de esa persona antes de desactivar su verificación en dos pasos.
mail-tf-rescue-check-text = Asegúrese de que la solicitud procede realmente de esa persona antes de
    desactivar su verificación en dos pasos.
mail-tf-disabled-title = La verificación en dos pasos ha sido desactivada
mail-tf-disabled-body = La verificación en dos pasos ha sido desactivada para su cuenta { $email }. Ahora basta con su contraseña para iniciar sesión.
mail-tf-disabled-body-text = La verificación en dos pasos ha sido desactivada para su cuenta
    { $email }. Ahora basta con su contraseña para iniciar sesión.
mail-tf-changed-title = Su autenticador de dos pasos ha sido sustituido
mail-tf-changed-body = Se ha configurado un nuevo autenticador para su cuenta { $email }. Los códigos del autenticador anterior ya no funcionan.
mail-tf-changed-body-text = Se ha configurado un nuevo autenticador para su cuenta { $email }.
    Los códigos del autenticador anterior ya no funcionan.
mail-recovery-codes-title = Se han generado nuevos códigos de recuperación
mail-recovery-codes-body = Se han generado nuevos códigos de recuperación para su cuenta { $email }. Los códigos de recuperación que tenía antes ya no funcionan.
mail-recovery-codes-body-text = Se han generado nuevos códigos de recuperación para su cuenta
    { $email }. Los códigos de recuperación que tenía antes ya no funcionan.
mail-us-setup-title = Sus métodos de inicio de sesión han cambiado
mail-us-setup-intro = Los métodos de inicio de sesión de su cuenta { $email } han cambiado:
mail-us-setup-added = añadido: { $method }
mail-us-setup-removed = eliminado: { $method }
mail-passkey-added-title = Se ha añadido una llave de acceso a su cuenta
mail-passkey-added-body = Se ha añadido una llave de acceso llamada { $name } a su cuenta { $email }. Puede usarse para iniciar sesión.
mail-passkey-removed-title = Se ha quitado una llave de acceso de su cuenta
mail-passkey-removed-body = Se ha quitado la llave de acceso llamada { $name } de su cuenta { $email }. Ya no puede usarse para iniciar sesión.

## Asuntos de los correos que no lo tienen en security.ftl.

subject-new-device = Nuevo inicio de sesión en su cuenta
