# Duraciones, consejos sobre contraseñas débiles y mensajes del script de llaves de acceso.

## Duraciones en los mensajes, tras «en el plazo de»: $count unidades.

duration-seconds = { $count ->
    [one] { $count } segundo
   *[other] { $count } segundos
  }
duration-minutes = { $count ->
    [one] { $count } minuto
   *[other] { $count } minutos
  }
duration-hours = { $count ->
    [one] { $count } hora
   *[other] { $count } horas
  }
duration-days = { $count ->
    [one] { $count } día
   *[other] { $count } días
  }
duration-weeks = { $count ->
    [one] { $count } semana
   *[other] { $count } semanas
  }

## Los consejos de zxcvbn tras «La contraseña no es lo bastante compleja».

password-advice-one = : { $advice }
password-advice-both = : { $warning } { $suggestion }

password-warning-straight-rows = Las filas de teclas seguidas son fáciles de adivinar.
password-warning-short-keyboard-patterns = Los patrones cortos de teclado son fáciles de adivinar.
password-warning-repeated-characters = Las repeticiones como «aaa» son fáciles de adivinar.
password-warning-repeated-groups = Las repeticiones como «abcabcabc» son apenas más difíciles de adivinar que «abc».
password-warning-top-10 = Es una de las 10 contraseñas más comunes.
password-warning-top-100 = Es una de las 100 contraseñas más comunes.
password-warning-very-common = Es una contraseña muy común.
password-warning-similar-to-common = Se parece a una contraseña de uso frecuente.
password-warning-sequences = Las secuencias como abc o 6543 son fáciles de adivinar.
password-warning-recent-years = Los años recientes son fáciles de adivinar.
password-warning-single-word = Una palabra sola es fácil de adivinar.
password-warning-dates = Las fechas suelen ser fáciles de adivinar.
password-warning-names-alone = Los nombres y apellidos por sí solos son fáciles de adivinar.
password-warning-common-names = Los nombres y apellidos comunes son fáciles de adivinar.

password-suggestion-few-words = Use varias palabras y evite las frases hechas.
password-suggestion-no-symbols-needed = No hacen falta símbolos, dígitos ni mayúsculas.
password-suggestion-another-word = Añada una o dos palabras más. Las palabras poco comunes son mejores.
password-suggestion-capitalization = Las mayúsculas no ayudan mucho.
password-suggestion-all-uppercase = Todo en mayúsculas es casi tan fácil de adivinar como todo en minúsculas.
password-suggestion-reversed-words = Las palabras escritas al revés no son mucho más difíciles de adivinar.
password-suggestion-substitutions = Las sustituciones previsibles como «@» en lugar de «a» no ayudan mucho.
password-suggestion-longer-keyboard-pattern = Use un patrón de teclado más largo y con más cambios de dirección.
password-suggestion-avoid-repeats = Evite las palabras y los caracteres repetidos.
password-suggestion-avoid-sequences = Evite las secuencias.
password-suggestion-avoid-recent-years = Evite los años recientes.
password-suggestion-avoid-your-years = Evite los años relacionados con usted.
password-suggestion-avoid-your-dates = Evite las fechas y los años relacionados con usted.

## Los mensajes del script de llaves de acceso (webauthn.js), que la página le pasa.

wan-script-cancelled = La solicitud de la llave de acceso se canceló o caducó. Inténtelo de nuevo.
wan-script-already-registered = Esta llave de acceso ya está registrada.
# $reason: la explicación del navegador.
wan-script-failed = Su navegador no pudo usar una llave de acceso: { $reason }
