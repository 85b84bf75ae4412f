//! Consent to the processing of personal data and to marketing messages (PRV-2): what a
//! person agreed to, under which version of the text, and what follows from it.
//!
//! A person's consents are an append-only record: each grant names the version of the text
//! it was given under, each withdrawal ends the grant before it. The latest record of a kind
//! decides where the person stands; nothing is ever edited, so the record is the evidence.

string_enum!(
    /// What a consent is to.
    ConsentKind {
        /// Processing of personal data under the contract (Federal Law 152-FZ).
        Processing => "processing",
        /// Messages about the provider's and its partners' products.
        Marketing => "marketing",
    }
);

string_enum!(
    /// How a consent was given or withdrawn.
    ConsentChannel {
        /// The self-registration form.
        Registration => "registration",
        /// The form of a new ticket.
        Ticket => "ticket",
        /// The first sign-in, when the person sets their own password.
        FirstLogin => "first_login",
        /// The personal-data page of the cabinet.
        Cabinet => "cabinet",
        /// Through the API.
        Api => "api",
        /// Entered by staff from a written statement (a letter or an e-mail).
        Staff => "staff",
    }
);

/// Where a person stands on one kind of consent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Standing {
    /// Nothing on record.
    Never,
    /// Given under this version of the text and not withdrawn since.
    Given { version: i32 },
    /// Withdrawn after it was given.
    Withdrawn,
}

/// The standing that a person's records of one kind, oldest first (`granted`, `version`),
/// add up to: the latest record decides.
pub fn standing(records: impl IntoIterator<Item = (bool, i32)>) -> Standing {
    records.into_iter().fold(Standing::Never, |_, (granted, version)| {
        if granted {
            Standing::Given { version }
        } else {
            Standing::Withdrawn
        }
    })
}

impl Standing {
    /// Whether marketing messages may be sent: only while a consent stands, whatever its
    /// version (a new text of the marketing consent does not silence those who agreed).
    pub fn may_market(self) -> bool {
        matches!(self, Standing::Given { .. })
    }

    /// Whether the person should be asked for the consent whose text is now at `current`:
    /// never asked, or agreed to an older text. A person who withdrew is not asked again
    /// (they give it again from the personal-data page if they wish).
    pub fn needs_asking(self, current: Option<i32>) -> bool {
        match (self, current) {
            (_, None) | (Standing::Withdrawn, _) => false,
            (Standing::Never, Some(_)) => true,
            (Standing::Given { version }, Some(current)) => version < current,
        }
    }

    /// Whether a withdrawal would change anything: only a consent that stands can be withdrawn.
    pub fn may_withdraw(self) -> bool {
        matches!(self, Standing::Given { .. })
    }
}

/// Whether withdrawing this kind needs staff to act (processing: the contract cannot be served
/// without it, so someone must decide what ends; marketing simply stops).
pub fn withdrawal_needs_staff(kind: ConsentKind) -> bool {
    kind == ConsentKind::Processing
}

/// What an erased person's login and name become: unique, the same in every language, and
/// plainly not a person (`erased-42`), so lists, tickets and the audit still read.
pub fn erased_name(user_id: i64) -> String {
    format!("erased-{user_id}")
}

/// Whether erasing a person also anonymises their customer's card: only when the customer is
/// a private individual (the card is about that person) and no other login remains to speak
/// for it. A company's card is about the company, and an entrepreneur's is a trading name.
pub fn erasure_reaches_customer(kind: crate::crm::PartyKind, other_logins: u64) -> bool {
    kind == crate::crm::PartyKind::Individual && other_logins == 0
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn erasure_reaches_only_a_private_persons_own_card() {
        use crate::crm::PartyKind;
        assert!(erasure_reaches_customer(PartyKind::Individual, 0));
        assert!(!erasure_reaches_customer(PartyKind::Individual, 1));
        assert!(!erasure_reaches_customer(PartyKind::LegalEntity, 0));
        assert!(!erasure_reaches_customer(PartyKind::SoleProprietor, 0));
        assert_eq!(erased_name(42), "erased-42");
    }

    #[test]
    fn the_latest_record_decides() {
        assert_eq!(standing([]), Standing::Never);
        assert_eq!(standing([(true, 1)]), Standing::Given { version: 1 });
        assert_eq!(standing([(true, 1), (false, 1)]), Standing::Withdrawn);
        assert_eq!(
            standing([(true, 1), (false, 1), (true, 2)]),
            Standing::Given { version: 2 }
        );
    }

    #[test]
    fn who_is_asked_and_who_may_receive_marketing() {
        assert!(Standing::Never.needs_asking(Some(1)));
        assert!(!Standing::Never.needs_asking(None));
        assert!(Standing::Given { version: 1 }.needs_asking(Some(2)));
        assert!(!Standing::Given { version: 2 }.needs_asking(Some(2)));
        assert!(!Standing::Withdrawn.needs_asking(Some(3)));
        assert!(Standing::Given { version: 1 }.may_market());
        assert!(!Standing::Withdrawn.may_market());
        assert!(!Standing::Never.may_market());
        assert!(withdrawal_needs_staff(ConsentKind::Processing));
        assert!(!withdrawal_needs_staff(ConsentKind::Marketing));
    }

    proptest! {
        /// Whatever came before, a withdrawal as the latest record stops marketing and a grant
        /// as the latest record allows it under its own version.
        #[test]
        fn the_last_word_wins(history in proptest::collection::vec((any::<bool>(), 1i32..50), 0..30), last_version in 1i32..50) {
            let mut withdrawn = history.clone();
            withdrawn.push((false, last_version));
            prop_assert!(!standing(withdrawn).may_market());
            let mut given = history;
            given.push((true, last_version));
            prop_assert_eq!(standing(given), Standing::Given { version: last_version });
        }
    }
}
