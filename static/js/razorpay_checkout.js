/* Razorpay Checkout in redirect mode: Razorpay posts the signed answer to callback_url, which the
   server verifies. The data comes from the button's data- attributes (CSP: no inline scripts). */
(function () {
  "use strict";
  function open(button) {
    if (typeof window.Razorpay !== "function") {
      return;
    }
    var d = button.dataset;
    var checkout = new window.Razorpay({
      key: d.key,
      order_id: d.orderId,
      amount: d.amount,
      currency: d.currency,
      name: d.name,
      description: d.description,
      prefill: { name: d.prefillName, email: d.prefillEmail },
      callback_url: d.callbackUrl,
      redirect: true,
    });
    checkout.open();
  }
  document.addEventListener("DOMContentLoaded", function () {
    var button = document.querySelector("[data-razorpay-checkout]");
    if (!button) {
      return;
    }
    button.addEventListener("click", function () {
      open(button);
    });
    window.addEventListener("load", function () {
      open(button);
    });
  });
})();
