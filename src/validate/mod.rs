//! Validation against stylized facts: the estimators `polis validate`
//! computes its measures with. Each is tested on synthetic data with a
//! known answer.

pub mod ensemble;
pub mod estimators;
pub mod measures;
pub mod micro;
pub mod targets;
