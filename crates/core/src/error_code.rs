//! Every reason the product gives for not doing what was asked, as one closed list: each code
//! carries the HTTP status it answers with, the code the API names it by and the key of its
//! message in the translation files. Pages and the API envelope read all three from here, so
//! no status is chosen by looking at a code's text.

macro_rules! error_codes {
    ($($(#[$doc:meta])* $variant:ident = $status:literal, $code:literal, $key:literal;)+) => {
        /// Why a request was not done (see the module documentation).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum ErrorCode { $($(#[$doc])* $variant),+ }

        impl ErrorCode {
            pub const ALL: &'static [ErrorCode] = &[$(ErrorCode::$variant),+];

            /// The HTTP status of an answer carrying this code.
            pub fn http_status(self) -> u16 {
                match self { $(ErrorCode::$variant => $status),+ }
            }

            /// The code as the API names it (`error.code`): snake_case.
            pub fn as_str(self) -> &'static str {
                match self { $(ErrorCode::$variant => $code),+ }
            }

            /// The key of the code's message in the translation files.
            pub fn message_key(self) -> &'static str {
                match self { $(ErrorCode::$variant => $key),+ }
            }
        }
    };
}

error_codes! {
    // 400: The request itself is malformed.
    BadQuery = 400, "bad_query", "err-bad-query";
    BadRequest = 400, "bad_request", "err-bad-request";
    InvalidUtf8 = 400, "invalid_utf8", "err-invalid-utf8";
    MalformedJson = 400, "malformed_json", "err-malformed-json";
    TextControlCharacters = 400, "text_control_characters", "err-text-control-characters";
    // 401: Who is asking is not established.
    BadCredentials = 401, "bad_credentials", "err-bad-credentials";
    BadSecondFactor = 401, "bad_second_factor", "err-bad-second-factor";
    SecondFactorCodeNeeded = 401, "second_factor_code_needed", "err-second-factor-code-needed";
    TokenInvalid = 401, "token_invalid", "err-token-invalid";
    Unauthorized = 401, "unauthorized", "err-unauthorized";
    // 403: The caller may not do this.
    AccountDisabled = 403, "account_disabled", "err-account-disabled";
    Csrf = 403, "csrf", "err-csrf";
    Forbidden = 403, "forbidden", "err-forbidden";
    NotWhileActing = 403, "not_while_acting", "err-not-while-acting";
    PasswordChangeRequired = 403, "password_change_required", "err-password-change-required";
    SecondFactorEnrolmentRequired = 403, "second_factor_enrolment_required", "err-second-factor-enrolment-required";
    // 404: Nothing of that id the caller may see.
    NotFound = 404, "not_found", "err-not-found";
    // 405: The route has no such method.
    MethodNotAllowed = 405, "method_not_allowed", "err-method-not-allowed";
    // 409: The object is no longer in the state the request expects.
    /// The person's data was erased already; erasure cannot be repeated or undone.
    AlreadyErased = 409, "already_erased", "err-already-erased";
    AlreadyPosted = 409, "already_posted", "err-already-posted";
    AlreadyReversed = 409, "already_reversed", "err-already-reversed";
    AssetTransitionRefused = 409, "asset_transition_refused", "err-asset-transition-refused";
    AutopayExists = 409, "autopay_exists", "err-autopay-exists";
    BillingRunRaced = 409, "billing_run_raced", "err-billing-run-raced";
    /// Consent cannot be given before its text is published.
    ConsentTextMissing = 409, "consent_text_missing", "err-consent-text-missing";
    /// Only a consent that stands can be withdrawn (a second withdrawal changes nothing).
    ConsentNotGiven = 409, "consent_not_given", "err-consent-not-given";
    /// Another version of the consent's text was published at the same moment.
    ConsentTextChanged = 409, "consent_text_changed", "err-consent-text-changed";
    CustomerHasNoLogin = 409, "customer_has_no_login", "err-customer-has-no-login";
    ExportNotReady = 409, "export_not_ready", "err-export-not-ready";
    /// Only a draft is published; a published or superseded text stays as it is.
    KbNotADraft = 409, "kb_not_a_draft", "err-kb-not-a-draft";
    InstallationAlreadySigned = 409, "installation_already_signed", "err-installation-already-signed";
    NoSavedCard = 409, "no_saved_card", "err-no-saved-card";
    OutboxNotDead = 409, "outbox_not_dead", "err-outbox-not-dead";
    OutboxSecretGone = 409, "outbox_secret_gone", "err-outbox-secret-gone";
    RenewalChoiceClosed = 409, "renewal_choice_closed", "err-renewal-choice-closed";
    RenewalNotPriced = 409, "renewal_not_priced", "err-renewal-not-priced";
    /// The request was decided (or taken) by someone else first, or is closed.
    RequestClosed = 409, "request_closed", "err-request-closed";
    /// A new number for SMS alerts of an object whose alerts were never switched on.
    RequestNoAlerts = 409, "request_no_alerts", "err-request-no-alerts";
    /// Another version of the rules was published at the same moment.
    RulesChanged = 409, "rules_changed", "err-rules-changed";
    TransferDecided = 409, "transfer_decided", "err-transfer-decided";
    TransferPending = 409, "transfer_pending", "err-transfer-pending";
    TransferToSameOwner = 409, "transfer_to_same_owner", "err-transfer-to-same-owner";
    ImportRegisterChanged = 409, "import_register_changed", "err-import-register-changed";
    IdempotencyKeyReused = 409, "idempotency_key_reused", "err-idempotency-key-reused";
    LineTransitionRefused = 409, "line_transition_refused", "err-line-transition-refused";
    LicenceAlreadyCreated = 409, "licence_already_created", "err-licence-already-created";
    LicenceDeleted = 409, "licence_deleted", "err-licence-deleted";
    LicenceDeletedAlready = 409, "licence_deleted_already", "err-licence-deleted-already";
    LicenceLinkedAlready = 409, "licence_linked_already", "err-licence-linked-already";
    LicenceNotLinked = 409, "licence_not_linked", "err-licence-not-linked";
    PartnerAccountExists = 409, "partner_account_exists", "err-partner-account-exists";
    PaymentAlreadyRegistered = 409, "payment_already_registered", "err-payment-already-registered";
    SubscriptionEnded = 409, "subscription_ended", "err-subscription-ended";
    TicketChangedMeanwhile = 409, "ticket_changed_meanwhile", "err-ticket-changed-meanwhile";
    VerificationStepDone = 409, "verification_step_done", "err-verification-step-done";
    // 413: The body is larger than the limit.
    BodyTooLarge = 413, "body_too_large", "err-body-too-large";
    // 422: Understood, but a rule refuses it.
    AssignmentsForLineManagers = 422, "assignments_for_line_managers", "err-assignments-for-line-managers";
    CalendarFileInvalid = 422, "calendar_file_invalid", "err-calendar-file-invalid";
    CannotManageSelf = 422, "cannot_manage_self", "err-cannot-manage-self";
    GatewayAmountMismatch = 422, "gateway_amount_mismatch", "err-gateway-amount-mismatch";
    GatewayNotConfigured = 422, "gateway_not_configured", "err-gateway-not-configured";
    GatewayRefused = 422, "gateway_refused", "err-gateway-refused";
    GatewayUnavailable = 422, "gateway_unavailable", "err-gateway-unavailable";
    GuestsNoEmail = 422, "guests_no_email", "err-guests-no-email";
    InstallationNoPhone = 422, "installation_no_phone", "err-installation-no-phone";
    InsufficientFunds = 422, "insufficient_funds", "err-insufficient-funds";
    LicenceSplitFirst = 422, "licence_split_first", "err-licence-split-first";
    LineOrdersNotConfigured = 422, "line_orders_not_configured", "err-line-orders-not-configured";
    OperatorUnavailable = 422, "operator_unavailable", "err-operator-unavailable";
    OverDebtCap = 422, "over_debt_cap", "err-over-debt-cap";
    PaymentNotRefundable = 422, "payment_not_refundable", "err-payment-not-refundable";
    RegistryNotConfigured = 422, "registry_not_configured", "err-registry-not-configured";
    PortalNotConfigured = 422, "portal_not_configured", "err-portal-not-configured";
    RegistryUnavailable = 422, "registry_unavailable", "err-registry-unavailable";
    ReversalOfReversal = 422, "reversal_of_reversal", "err-reversal-of-reversal";
    RouterNotConfigured = 422, "router_not_configured", "err-router-not-configured";
    RouterPasswordUnreadable = 422, "router_password_unreadable", "err-router-password-unreadable";
    RouterRefused = 422, "router_refused", "err-router-refused";
    RouterUnreachable = 422, "router_unreachable", "err-router-unreachable";
    SecondFactorExpired = 422, "second_factor_expired", "err-second-factor-expired";
    SecondFactorRequired = 422, "second_factor_required", "err-second-factor-required";
    SlaCalendarInvalid = 422, "sla_calendar_invalid", "err-sla-calendar-invalid";
    SlaPlanHasNoTerms = 422, "sla_plan_has_no_terms", "err-sla-plan-has-no-terms";
    TicketCasePriceMissing = 422, "ticket_case_price_missing", "err-ticket-case-price-missing";
    TicketClosedReopenFirst = 422, "ticket_closed_reopen_first", "err-ticket-closed-reopen-first";
    TicketNoAccountToCharge = 422, "ticket_no_account_to_charge", "err-ticket-no-account-to-charge";
    TicketReopenWindowPassed = 422, "ticket_reopen_window_passed", "err-ticket-reopen-window-passed";
    TicketServicesExpired = 422, "ticket_services_expired", "err-ticket-services-expired";
    TicketStatusChangeNotAllowed = 422, "ticket_status_change_not_allowed", "err-ticket-status-change-not-allowed";
    TooManyOpenOrders = 422, "too_many_open_orders", "err-too-many-open-orders";
    Validation = 422, "validation", "err-validation";
    VerificationNeedsContact = 422, "verification_needs_contact", "err-verification-needs-contact";
    VerificationNeedsCounterparty = 422, "verification_needs_counterparty", "err-verification-needs-counterparty";
    VerificationNeedsCustomer = 422, "verification_needs_customer", "err-verification-needs-customer";
    VerificationNeedsStaff = 422, "verification_needs_staff", "err-verification-needs-staff";
    // 429: Too many attempts.
    Throttled = 429, "throttled", "err-throttled";
    // 500: A fault of the product.
    Internal = 500, "internal", "err-internal";
    // 503: A part the product needs cannot serve now; nothing was written.
    BusyTryAgain = 503, "busy_try_again", "err-busy-try-again";
    ConnectionLost = 503, "connection_lost", "err-connection-lost";
    DatabaseUnavailable = 503, "database_unavailable", "err-database-unavailable";
}

impl std::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl serde::Serialize for ErrorCode {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn the_api_code_and_the_message_key_name_the_same_thing() {
        for c in ErrorCode::ALL {
            assert_eq!(
                c.message_key(),
                format!("err-{}", c.as_str().replace('_', "-")),
                "{c:?}"
            );
            assert!(
                c.as_str()
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
            );
        }
    }

    #[test]
    fn codes_are_unique_and_statuses_are_errors() {
        let distinct: HashSet<&str> = ErrorCode::ALL.iter().map(|c| c.as_str()).collect();
        assert_eq!(distinct.len(), ErrorCode::ALL.len());
        assert!(ErrorCode::ALL.iter().all(|c| (400..600).contains(&c.http_status())));
    }

    #[test]
    fn who_is_asking_and_what_they_may_do_answer_401_and_403() {
        assert_eq!(ErrorCode::BadCredentials.http_status(), 401);
        assert_eq!(ErrorCode::AccountDisabled.http_status(), 403);
        assert_eq!(ErrorCode::LicenceDeleted.http_status(), 409);
        assert_eq!(ErrorCode::BusyTryAgain.http_status(), 503);
    }
}
