/*
 * Passkeys (WebAuthn) for the rocket_security pages. No inline script is needed: every page
 * that runs a ceremony carries a form with `data-wan-ceremony` ("create" or "get") and the
 * server's options in `data-credential-options`; this script asks the browser's authenticator,
 * puts the credential's JSON into the form's `credential` field and submits it. Its messages
 * come from the form's `data-msg-cancelled`, `data-msg-registered` and `data-msg-failed`
 * (with `{reason}` for the browser's explanation), in the page's language.
 *
 * Where WebAuthn is missing, the `.wan-unsupported` message stays visible and the buttons
 * stay hidden. On the sign-in page, `#wan_autofill_form` offers passkeys in the browser's
 * autofill ("conditional UI") where the browser supports it.
 */
(function () {
  "use strict";

  function toBuffer(base64url) {
    var base64 = base64url.replace(/-/g, "+").replace(/_/g, "/");
    while (base64.length % 4) {
      base64 += "=";
    }
    var binary = atob(base64);
    var bytes = new Uint8Array(binary.length);
    for (var i = 0; i < binary.length; i++) {
      bytes[i] = binary.charCodeAt(i);
    }
    return bytes.buffer;
  }

  function toBase64url(buffer) {
    var bytes = new Uint8Array(buffer);
    var binary = "";
    for (var i = 0; i < bytes.length; i++) {
      binary += String.fromCharCode(bytes[i]);
    }
    return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  function withBuffers(list) {
    return (list || []).map(function (item) {
      var copy = Object.assign({}, item);
      copy.id = toBuffer(item.id);
      return copy;
    });
  }

  /* The server's options (base64url strings) as the browser's API takes them. */
  function creationOptions(options) {
    var publicKey = Object.assign({}, options);
    publicKey.challenge = toBuffer(options.challenge);
    publicKey.user = Object.assign({}, options.user, { id: toBuffer(options.user.id) });
    publicKey.excludeCredentials = withBuffers(options.excludeCredentials);
    return publicKey;
  }

  function requestOptions(options) {
    var publicKey = Object.assign({}, options);
    publicKey.challenge = toBuffer(options.challenge);
    publicKey.allowCredentials = withBuffers(options.allowCredentials);
    return publicKey;
  }

  /* The credential as JSON, the shape the server reads. */
  function credentialJson(credential) {
    var response = credential.response;
    var json = {
      id: credential.id,
      rawId: toBase64url(credential.rawId),
      type: credential.type,
      extensions: {},
      response: { clientDataJSON: toBase64url(response.clientDataJSON) }
    };
    if (response.attestationObject) {
      json.response.attestationObject = toBase64url(response.attestationObject);
    } else {
      json.response.authenticatorData = toBase64url(response.authenticatorData);
      json.response.signature = toBase64url(response.signature);
      json.response.userHandle = response.userHandle ? toBase64url(response.userHandle) : null;
    }
    return JSON.stringify(json);
  }

  function supported() {
    return !!(window.PublicKeyCredential && navigator.credentials);
  }

  function showError(form, message) {
    var box = form.querySelector(".wan-error");
    if (box) {
      box.textContent = message;
      box.hidden = false;
    }
  }

  /* The form's text `name` (a `data-msg-*` attribute in the page's language), or `english`. */
  function text(form, name, english) {
    return form.getAttribute("data-msg-" + name) || english;
  }

  function explain(form, error) {
    if (error && error.name === "NotAllowedError") {
      return text(form, "cancelled",
        "The passkey request was cancelled or timed out. Please try again.");
    }
    if (error && error.name === "InvalidStateError") {
      return text(form, "registered", "This passkey is already registered.");
    }
    var reason = String(error && error.message ? error.message : error);
    return text(form, "failed", "Your browser could not use a passkey: {reason}")
      .split("{reason}").join(reason);
  }

  /* Runs the ceremony of one form when its button is pressed. */
  function ceremony(form) {
    var options = JSON.parse(form.getAttribute("data-credential-options"));
    var create = form.getAttribute("data-wan-ceremony") === "create";
    var pending = create
      ? navigator.credentials.create({ publicKey: creationOptions(options) })
      : navigator.credentials.get({ publicKey: requestOptions(options) });
    pending.then(function (credential) {
      form.querySelector("input[name=credential]").value = credentialJson(credential);
      form.submit();
    }, function (error) {
      showError(form, explain(form, error));
    });
  }

  function setUp(form) {
    var button = form.querySelector(".wan-continue");
    if (!supported() || !button) {
      return;
    }
    var message = form.querySelector(".wan-unsupported");
    if (message) {
      message.hidden = true;
    }
    button.hidden = false;
    button.addEventListener("click", function (event) {
      event.preventDefault();
      ceremony(form);
    });
  }

  /* Offers passkeys in the autofill of the sign-in page's e-mail field. */
  function autofill(form) {
    if (!supported() || !PublicKeyCredential.isConditionalMediationAvailable) {
      return;
    }
    PublicKeyCredential.isConditionalMediationAvailable().then(function (available) {
      if (!available) {
        return;
      }
      var token = form.querySelector("input[name=csrf_token]");
      var next = form.querySelector("input[name=next]");
      var startBody = next && next.value ? { next: next.value } : {};
      return fetch(form.getAttribute("data-start"), {
        method: "POST",
        credentials: "same-origin",
        headers: {
          "Content-Type": "application/json",
          "Accept": "application/json",
          "X-CSRF-Token": token ? token.value : ""
        },
        body: JSON.stringify(startBody)
      }).then(function (reply) {
        return reply.json();
      }).then(function (body) {
        var response = body.response || {};
        if (!response.credential_options || !response.wan_state) {
          return;
        }
        return navigator.credentials.get({
          mediation: "conditional",
          publicKey: requestOptions(response.credential_options)
        }).then(function (credential) {
          form.action = form.getAttribute("data-finish") + "/" + encodeURIComponent(response.wan_state);
          form.querySelector("input[name=credential]").value = credentialJson(credential);
          form.submit();
        });
      });
    }).catch(function () {
      /* Autofill is an extra: the password form still works. */
    });
  }

  function start() {
    var forms = document.querySelectorAll("form[data-wan-ceremony]");
    for (var i = 0; i < forms.length; i++) {
      setUp(forms[i]);
    }
    var autofillForm = document.getElementById("wan_autofill_form");
    if (autofillForm) {
      autofill(autofillForm);
    }
    var unsupported = document.querySelectorAll(".wan-unsupported-global");
    for (var j = 0; j < unsupported.length; j++) {
      unsupported[j].hidden = supported();
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
