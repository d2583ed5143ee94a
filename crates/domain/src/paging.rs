//! The list convention: `?page=1&per_page=50` (at most 200) answered by
//! `{"items", "page", "per_page", "total"}`.

use serde::{Deserialize, Serialize};

use crate::problem::FieldError;

pub const DEFAULT_PER_PAGE: u32 = 50;
pub const MAX_PER_PAGE: u32 = 200;
/// Far beyond any real list; keeps offsets small.
pub const MAX_PAGE: u32 = 1_000_000;

/// A page request as it arrives in the query string.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct PageQuery {
    /// 1-based page number (default 1).
    #[cfg_attr(feature = "openapi", param(minimum = 1, maximum = 1000000))]
    pub page: Option<u32>,
    /// Items per page (default 50, at most 200).
    #[cfg_attr(feature = "openapi", param(minimum = 1, maximum = 200))]
    pub per_page: Option<u32>,
}

/// A checked page request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageRequest {
    pub page: u32,
    pub per_page: u32,
}

impl PageRequest {
    pub fn parse(query: PageQuery) -> Result<Self, Vec<FieldError>> {
        let mut errors = Vec::new();
        let page = query.page.unwrap_or(1);
        if page == 0 || page > MAX_PAGE {
            errors.push(FieldError::new("page", format!("pages are numbered from 1 to {MAX_PAGE}")));
        }
        let per_page = query.per_page.unwrap_or(DEFAULT_PER_PAGE);
        if per_page == 0 || per_page > MAX_PER_PAGE {
            errors.push(FieldError::new("per_page", format!("must be between 1 and {MAX_PER_PAGE}")));
        }
        if errors.is_empty() { Ok(Self { page, per_page }) } else { Err(errors) }
    }

    /// Rows to skip before this page.
    pub fn offset(&self) -> u64 {
        u64::from(self.page - 1) * u64::from(self.per_page)
    }

    pub fn limit(&self) -> u64 {
        u64::from(self.per_page)
    }
}

/// One page of a list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Page<T> {
    pub items: Vec<T>,
    pub page: u32,
    pub per_page: u32,
    /// Number of items over all pages.
    pub total: u64,
}

impl<T> Page<T> {
    pub fn new(items: Vec<T>, request: PageRequest, total: u64) -> Self {
        Self { items, page: request.page, per_page: request.per_page, total }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_to_first_page_of_fifty() {
        let request = PageRequest::parse(PageQuery::default()).unwrap();
        assert_eq!(request, PageRequest { page: 1, per_page: 50 });
        assert_eq!(request.offset(), 0);
    }

    #[test]
    fn offset_counts_whole_pages() {
        let request = PageRequest::parse(PageQuery { page: Some(3), per_page: Some(20) }).unwrap();
        assert_eq!(request.offset(), 40);
        assert_eq!(request.limit(), 20);
    }

    #[test]
    fn refuses_page_zero_and_oversized_pages() {
        let errors = PageRequest::parse(PageQuery { page: Some(0), per_page: Some(201) }).unwrap_err();
        let fields: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["page", "per_page"]);
        assert!(PageRequest::parse(PageQuery { page: None, per_page: Some(200) }).is_ok());
        assert!(PageRequest::parse(PageQuery { page: None, per_page: Some(0) }).is_err());
    }
}
