//! Ownership transfer of a device (AST-5): a buyer asks for its device to pass to a new owner,
//! staff approve or reject the request. Where a request is in its life.

string_enum!(
    /// A transfer request's state: waiting for staff, done, or refused with a reason the buyer
    /// reads.
    TransferStatus { Pending => "pending", Approved => "approved", Rejected => "rejected" }
);

impl TransferStatus {
    /// Whether staff still have to decide it.
    pub fn is_open(self) -> bool {
        self == TransferStatus::Pending
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_pending_request_is_open() {
        assert!(TransferStatus::Pending.is_open());
        assert!(!TransferStatus::Approved.is_open());
        assert!(!TransferStatus::Rejected.is_open());
        assert_eq!("rejected".parse::<TransferStatus>(), Ok(TransferStatus::Rejected));
    }
}
