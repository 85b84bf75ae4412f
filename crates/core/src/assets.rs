//! Rules of what a customer has (AST): the kinds of licence, their statuses and which changes
//! between them are allowed, and the steps of the personal-data verification (152-FZ, CRM-5)
//! that must all be done before a customer may export its hotspot guests' phone numbers.

pub use crate::UnknownValue;

pub mod lifecycle;

pub mod device_import;
pub mod devices;
pub mod employee_import;
pub mod installation;
pub mod line_orders;
pub mod line_photo;
pub mod line_usage;
pub mod lines;
pub mod monitoring;
pub mod renewal;
pub mod transfer;

string_enum!(
    /// The kinds of asset: the licences of AST-1 (hotspot, radar), devices sold with
    /// after-sales service (AST-3), a corporate customer's telecom lines (AST-6) and guarded
    /// property (AST-7).
    AssetKind { Hotspot => "hotspot", Radar => "radar", Device => "device", Line => "line", SecurityObject => "security_object" }
);

impl AssetKind {
    /// The kinds that are licences.
    pub const LICENCES: [AssetKind; 2] = [AssetKind::Hotspot, AssetKind::Radar];

    /// Whether it is a licence (has a key, a point, modules and guests).
    pub fn is_licence(self) -> bool {
        matches!(self, AssetKind::Hotspot | AssetKind::Radar)
    }
}

string_enum!(
    /// What the customer's cabinet offers: the contract says which.
    CabinetType { Lite => "lite", Full => "full" }
);

string_enum!(
    /// Whose router the licence runs on.
    RouterOwnership { Provider => "provider", Rented => "rented", Customer => "customer" }
);

string_enum!(
    /// How a licence is billed: it changes the price and the acts issued.
    LicencePeriod { Month => "month", Year => "year" }
);

impl From<LicencePeriod> for crate::billing::BillingPeriod {
    fn from(p: LicencePeriod) -> Self {
        match p {
            LicencePeriod::Month => crate::billing::BillingPeriod::Month,
            LicencePeriod::Year => crate::billing::BillingPeriod::Year,
        }
    }
}

string_enum!(
    /// Where an asset is in its life.
    AssetStatus {
        Active => "active",
        Expired => "expired",
        Renewed => "renewed",
        Suspended => "suspended",
        Cancelled => "cancelled",
        Deleted => "deleted",
    }
);

impl AssetStatus {
    /// Whether an asset may go from `self` to `to` (`lifecycle`): in service it may run out,
    /// be suspended, cancelled or deleted; an expired or cancelled one comes back only by
    /// renewal; a suspended one is resumed; deletion is final.
    pub fn can_become(self, to: AssetStatus) -> bool {
        use AssetStatus::*;
        matches!(
            (self, to),
            (Active | Renewed, Suspended | Expired | Cancelled | Deleted)
                | (Suspended, Active | Renewed | Cancelled | Deleted)
                | (Expired, Renewed | Cancelled | Deleted)
                | (Cancelled, Renewed | Deleted)
        )
    }

    /// Whether the asset is in service (billed, reporting, usable).
    pub fn in_service(self) -> bool {
        matches!(self, AssetStatus::Active | AssetStatus::Renewed)
    }
}

string_enum!(
    /// The steps of the personal-data verification of a licence, in order.
    Verification {
        None => "none",
        CustomerConfirmed => "customer_confirmed",
        Verified => "verified",
        ContactConfirmed => "contact_confirmed",
    }
);

impl Verification {
    /// The step that comes next, if any.
    pub fn next(self) -> Option<Verification> {
        match self {
            Verification::None => Some(Verification::CustomerConfirmed),
            Verification::CustomerConfirmed => Some(Verification::Verified),
            Verification::Verified => Some(Verification::ContactConfirmed),
            Verification::ContactConfirmed => None,
        }
    }

    /// Whether guest phone numbers may be exported.
    pub fn export_allowed(self) -> bool {
        self == Verification::ContactConfirmed
    }

    /// The refusal naming the step still missing before an export, if any.
    pub fn missing(self) -> Option<crate::ErrorCode> {
        use crate::ErrorCode;
        match self {
            Verification::None => Some(ErrorCode::VerificationNeedsCustomer),
            Verification::CustomerConfirmed => Some(ErrorCode::VerificationNeedsStaff),
            Verification::Verified => Some(ErrorCode::VerificationNeedsContact),
            Verification::ContactConfirmed => None,
        }
    }

    /// The step's place in the order, from 0.
    pub fn rank(self) -> u8 {
        match self {
            Verification::None => 0,
            Verification::CustomerConfirmed => 1,
            Verification::Verified => 2,
            Verification::ContactConfirmed => 3,
        }
    }

    /// Whether `step` is the one that may be taken now (steps are taken in order, once).
    pub fn can_take(self, step: Verification) -> bool {
        self.next() == Some(step)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_round_trip() {
        for k in AssetKind::ALL {
            assert_eq!(k.as_str().parse::<AssetKind>().unwrap(), *k);
        }
        for s in AssetStatus::ALL {
            assert_eq!(s.as_str().parse::<AssetStatus>().unwrap(), *s);
        }
        assert!("Hotspot".parse::<AssetKind>().is_err());
    }

    #[test]
    fn deletion_is_final() {
        for to in AssetStatus::ALL {
            assert!(!AssetStatus::Deleted.can_become(*to), "{to:?}");
        }
        assert!(AssetStatus::Active.can_become(AssetStatus::Deleted));
        assert!(AssetStatus::Expired.can_become(AssetStatus::Renewed));
        assert!(!AssetStatus::Expired.can_become(AssetStatus::Active));
    }

    #[test]
    fn verification_goes_step_by_step() {
        let mut v = Verification::None;
        let mut steps = 0;
        while let Some(next) = v.next() {
            assert!(!v.export_allowed());
            assert!(v.missing().is_some());
            assert!(v.can_take(next));
            for other in Verification::ALL.iter().filter(|o| **o != next) {
                assert!(!v.can_take(*other), "{v:?} → {other:?}");
            }
            v = next;
            steps += 1;
        }
        assert_eq!(steps, 3);
        assert!(v.export_allowed());
        assert_eq!(v.missing(), None);
    }
}
