//! The shape of the data use cases hand to the web layer.
//!
//! Pages and the API never see database rows: each use case returns a view built here from
//! its row, so a column can change without the pages noticing and a secret column (a password
//! hash, a token hash) cannot reach a template by accident.

/// Declares view structs, each built field by field from a row:
///
/// ```ignore
/// view! {
///     /// A customer as pages read it.
///     Customer from customer::Model { id: i64, name: String }
/// }
/// ```
///
/// A field left out of the list stays in the database and out of the view; a field written
/// `name: Type = parse` is `parse(row.name)` (a stored JSON list read as a list).
macro_rules! view {
    ($(
        $(#[$meta:meta])*
        $name:ident from $row:ty {
            $($(#[$field_meta:meta])* $field:ident: $ty:ty $(= $read:path)?),* $(,)?
        }
    )*) => {$(
        $(#[$meta])*
        #[derive(Clone, Debug, PartialEq)]
        pub struct $name {
            $($(#[$field_meta])* pub $field: $ty),*
        }

        impl From<$row> for $name {
            fn from(row: $row) -> Self {
                Self { $($field: $($read)?(row.$field)),* }
            }
        }
    )*};
}

/// Turns rows into their views: `rows.into_views()`.
pub(crate) trait IntoViews<V> {
    fn into_views(self) -> Vec<V>;
}

impl<R, V: From<R>> IntoViews<V> for Vec<R> {
    fn into_views(self) -> Vec<V> {
        self.into_iter().map(V::from).collect()
    }
}
