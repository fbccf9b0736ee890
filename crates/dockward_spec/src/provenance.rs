//! Where a value came from.

use dockward_diagnostics::{Location, Related};

/// One step a value went through before it reached the spec: a YAML alias whose
/// anchor defines it, a `${VAR}` it was interpolated from, an `extends` parent, an
/// override file. Rules turn these into related locations.
#[derive(Debug, Clone)]
pub struct Via {
    /// What the step was, for the reader: "anchor `&defaults`", "`${PORT}` from .env".
    pub note: String,
    pub location: Location,
}

/// A value and its provenance.
#[derive(Debug, Clone)]
pub struct Val<T> {
    pub value: T,
    /// Where the value is written: a byte range in a file, or an API field such as
    /// `container/web-1` / `HostConfig.Privileged`.
    pub at: Location,
    /// The definitions the value came through, outermost first.
    pub via: Vec<Via>,
}

impl<T> Val<T> {
    pub fn new(value: T, at: Location) -> Self {
        Self { value, at, via: Vec::new() }
    }

    pub fn with_via(mut self, via: Via) -> Self {
        self.via.push(via);
        self
    }

    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Val<U> {
        Val { value: f(self.value), at: self.at, via: self.via }
    }

    pub fn as_ref(&self) -> Val<&T> {
        Val { value: &self.value, at: self.at.clone(), via: self.via.clone() }
    }

    /// The `via` steps as related locations for a diagnostic.
    pub fn related(&self) -> impl Iterator<Item = Related> + '_ {
        self.via.iter().map(|v| Related { location: v.location.clone(), message: v.note.clone() })
    }
}

impl<T: PartialEq> PartialEq<T> for Val<T> {
    fn eq(&self, other: &T) -> bool {
        self.value == *other
    }
}
