//! How use cases fail, without any web framework: each use-case module declares its own error
//! enum (with [`use_case_error!`]) whose variants say what went wrong in the module's words, with
//! a stable `code`, a message that says what to do, and the kind of [`Refusal`]. What every module
//! can meet (invalid fields, a database failure, another module's refusal) is a [`Failure`]. The
//! HTTP layer turns any of them into problem+json in one place (`error::ApiError`'s `From`).

use portico_domain::maintenance::MaintenanceWindow;
use portico_domain::problem::FieldError;

/// The kinds of refusal a client can act on (each answers with one HTTP status).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    BadRequest,
    Unauthorized,
    Forbidden,
    NotFound,
    Conflict,
    Gone,
    PayloadTooLarge,
    UnsupportedMediaType,
    Unprocessable,
    TooManyRequests,
    Unavailable,
    InsufficientStorage,
}

/// What an answer is made from. `refusal` is None for a failure of the server itself (logged
/// with its whole cause chain, answered with an opaque 500).
pub trait UseCaseError: std::error::Error + Send + Sync + 'static {
    fn refusal(&self) -> Option<Refusal>;
    fn code(&self) -> &'static str;
    fn fields(&self) -> Vec<FieldError> {
        Vec::new()
    }
    /// Seconds after which trying again may work.
    fn retry_after(&self) -> Option<u64> {
        None
    }
    /// The maintenance window that causes the refusal.
    fn window(&self) -> Option<MaintenanceWindow> {
        None
    }
}

/// What any use case can meet.
#[derive(Debug, thiserror::Error)]
pub enum Failure {
    /// One message per invalid field of the request.
    #[error("{}", invalid_detail(.0))]
    Invalid(Vec<FieldError>),
    /// Another module's refusal (an access check, a throttle, a link), passed on as it is.
    /// (Failures of the server are never boxed here: they stay `Store`, `Database`, `Internal`.)
    #[error("{0}")]
    Refused(Box<dyn UseCaseError>),
    #[error("the database failed")]
    Store(#[from] portico_store::StoreError),
    #[error("the database failed")]
    Database(#[from] sea_orm::DbErr),
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

fn invalid_detail(errors: &[FieldError]) -> String {
    match errors {
        [one] => format!("`{}` {}", one.field, one.message),
        _ => "Some fields are invalid; see `errors` and correct them.".to_owned(),
    }
}

impl Failure {
    pub fn invalid_field(field: &str, message: impl Into<String>) -> Self {
        Failure::Invalid(vec![FieldError::new(field, message)])
    }

    /// A failure of the server itself, with its cause.
    pub fn internal(cause: impl Into<anyhow::Error>) -> Self {
        Failure::Internal(cause.into())
    }
}

impl UseCaseError for Failure {
    fn refusal(&self) -> Option<Refusal> {
        match self {
            Failure::Invalid(_) => Some(Refusal::Unprocessable),
            Failure::Refused(inner) => inner.refusal(),
            Failure::Store(_) | Failure::Database(_) | Failure::Internal(_) => None,
        }
    }

    fn code(&self) -> &'static str {
        match self {
            Failure::Invalid(_) => "validation_failed",
            Failure::Refused(inner) => inner.code(),
            Failure::Store(_) | Failure::Database(_) | Failure::Internal(_) => "internal_error",
        }
    }

    fn fields(&self) -> Vec<FieldError> {
        match self {
            Failure::Invalid(errors) => errors.clone(),
            Failure::Refused(inner) => inner.fields(),
            _ => Vec::new(),
        }
    }

    fn retry_after(&self) -> Option<u64> {
        match self {
            Failure::Refused(inner) => inner.retry_after(),
            _ => None,
        }
    }

    fn window(&self) -> Option<MaintenanceWindow> {
        match self {
            Failure::Refused(inner) => inner.window(),
            _ => None,
        }
    }
}

/// Declares a use-case module's error enum: each variant with its kind of refusal, its stable
/// code and its message (a `thiserror` format, which may name the variant's fields), and, for
/// refusals that pass, how many seconds to wait (`retry_after = 60`); plus a `Failure` variant for
/// what every use case can meet. Refusals of the modules listed after `from` convert with `?`.
///
/// ```text
/// use_case_error! {
///     /// Why a sign-in step failed.
///     pub enum SignInError {
///         InvalidCredentials => (Unauthorized, "invalid_credentials", "The email or password is not right."),
///         TooLarge { limit: u64 } => (PayloadTooLarge, "package_too_large", "Larger than {limit} bytes."),
///     }
///     from { ThrottleError }
/// }
/// ```
macro_rules! use_case_error {
    (@retry) => { None };
    (@retry $seconds:expr) => { Some($seconds) };
    (
        $(#[$meta:meta])*
        pub enum $name:ident {
            $(
                $(#[$vmeta:meta])*
                $variant:ident $({ $($field:ident : $fty:ty),* $(,)? })?
                    => ($refusal:ident, $code:literal, $message:literal $(, retry_after = $retry:expr)?)
            ),* $(,)?
        }
        $(from { $($nested:ty),* $(,)? })?
    ) => {
        $(#[$meta])*
        #[derive(Debug, thiserror::Error)]
        pub enum $name {
            $(
                $(#[$vmeta])*
                #[error($message)]
                $variant $({ $($field: $fty),* })?,
            )*
            #[error(transparent)]
            Failure(#[from] $crate::usecases::errors::Failure),
        }

        impl $crate::usecases::errors::UseCaseError for $name {
            fn refusal(&self) -> Option<$crate::usecases::errors::Refusal> {
                match self {
                    $(Self::$variant { .. } => Some($crate::usecases::errors::Refusal::$refusal),)*
                    Self::Failure(failure) => failure.refusal(),
                }
            }

            fn code(&self) -> &'static str {
                match self {
                    $(Self::$variant { .. } => $code,)*
                    Self::Failure(failure) => failure.code(),
                }
            }

            fn fields(&self) -> Vec<portico_domain::problem::FieldError> {
                match self {
                    Self::Failure(failure) => failure.fields(),
                    #[allow(unreachable_patterns)]
                    _ => Vec::new(),
                }
            }

            fn retry_after(&self) -> Option<u64> {
                match self {
                    $(Self::$variant { .. } => $crate::usecases::errors::use_case_error!(@retry $($retry)?),)*
                    Self::Failure(failure) => failure.retry_after(),
                }
            }

            fn window(&self) -> Option<portico_domain::maintenance::MaintenanceWindow> {
                match self {
                    Self::Failure(failure) => failure.window(),
                    #[allow(unreachable_patterns)]
                    _ => None,
                }
            }
        }

        impl From<$name> for $crate::usecases::errors::Failure {
            fn from(error: $name) -> Self {
                match error {
                    $name::Failure(failure) => failure,
                    #[allow(unreachable_patterns)]
                    refused => $crate::usecases::errors::Failure::Refused(Box::new(refused)),
                }
            }
        }

        impl From<portico_store::StoreError> for $name {
            fn from(error: portico_store::StoreError) -> Self {
                Self::Failure(error.into())
            }
        }

        impl From<sea_orm::DbErr> for $name {
            fn from(error: sea_orm::DbErr) -> Self {
                Self::Failure(error.into())
            }
        }

        $($(
            impl From<$nested> for $name {
                fn from(error: $nested) -> Self {
                    Self::Failure(error.into())
                }
            }
        )*)?
    };
}

pub(crate) use use_case_error;
