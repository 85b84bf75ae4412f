//! The customer record's closed lists.

string_enum!(
    /// What kind of party a customer (or a counterparty) is in law.
    PartyKind { Individual => "individual", SoleProprietor => "sole_proprietor", LegalEntity => "legal_entity" }
);

string_enum!(
    /// Whether a customer is served.
    CustomerStatus { Active => "active", Suspended => "suspended", Closed => "closed" }
);

string_enum!(
    /// A comment on a customer's card; important ones stand out.
    CommentKind { Ordinary => "ordinary", Important => "important" }
);
