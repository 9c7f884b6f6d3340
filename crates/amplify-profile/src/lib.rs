//! The AWS shared `config` and `credentials` files, read the way the AWS CLI reads them, and a profile
//! resolved into a [`ProfileChain`] the way the AWS CLI resolves it: base credentials (with every setting
//! needed to obtain them) plus the STS AssumeRole hops that lead to the profile's role, or the error
//! botocore stops at, with the file and line. Both are checked against botocore itself and against our own
//! cases of the AWS SDKs' conformance rules (`tests/differential.rs`, `tests/conformance.rs`). This crate
//! does no network I/O and knows nothing of prompts; the STS service (`amplify-sts`) runs the chain.
//!
//! ```
//! use amplify_profile::{FileLocations, ProfileSet};
//! let files = FileLocations::from_env("/home/dev".as_ref(), |_| None);
//! let set = ProfileSet::from_texts(
//!     &files,
//!     Some("[profile bizcorprole]\nrole_arn = arn:aws:iam::111122223333:role/Biz\nsource_profile = devcorpuser\n"),
//!     Some("[devcorpuser]\naws_access_key_id = AKIAEXAMPLE\naws_secret_access_key = secret\n"),
//! )
//! .unwrap();
//! let chain = set.resolve("bizcorprole").unwrap();
//! assert_eq!(chain.hops[0].role_arn, "arn:aws:iam::111122223333:role/Biz");
//! ```

mod chain;
mod checks;
mod document;
mod error;
pub mod keys;
mod location;
mod names;
pub mod parse;
mod profiles;
pub mod report;
mod resolve;
mod resolve_error;
mod scan;
mod session_copy;
mod view;

pub use chain::{BaseCredentials, CredentialSource, ProfileChain, RoleHop};
pub use document::{Document, FileKind};
pub use error::{EditError, LoadError, ParseError, ParseErrorKind};
pub use location::{FileLocations, Location, profile_from_env};
pub use profiles::{EffectiveProperty, EffectiveValue, Profile, ProfileSet, Property, Warning};
pub use resolve_error::ResolveError;
pub use session_copy::with_credential_process;
