//! The telework rule (an ILP lever): who works from home, and on what
//! share of workdays.

/// Who works from home, and how much (an ILP lever). A resident teleworks
/// `telework_days` of five workdays when the ILP is on, it is a user, its
/// job is in a service sector, and the job allows it: a fixed draw per
/// (resident, firm) below `telework_jobs`, so a job keeps its answer.
#[derive(Debug, Clone, Copy)]
pub struct Telework {
    on: bool,
    jobs: f64,
    share_of_days: f64,
    /// The run's key for the draws: `mix64(seed XOR 0x7E1E3A6B)`.
    key: u64,
}

impl Telework {
    /// The rule of a scenario.
    pub fn new(p: &crate::scenario::Scenario) -> Telework {
        let ilp = &p.platforms.ilp;
        Telework {
            on: ilp.enabled && ilp.telework_days > 0.0 && ilp.telework_jobs > 0.0,
            jobs: ilp.telework_jobs,
            share_of_days: (ilp.telework_days / 5.0).min(1.0),
            key: crate::rng::mix64(p.simulation.seed ^ 0x7E1E_3A6B),
        }
    }

    /// Share of workdays resident `i` works from home at firm `firm_serial`.
    #[inline]
    pub fn share(&self, i: usize, ilp_user: bool, firm_serial: u32, manufacturing: bool) -> f64 {
        if !self.on || !ilp_user || manufacturing || !self.allows(i, firm_serial) {
            return 0.0;
        }
        self.share_of_days
    }

    /// Whether a resident teleworks in its current job, from its flags
    /// (`FLAG_ILP`, and `FLAG_TELEWORK_JOB` for [`Telework::allows`]).
    /// Without a branch: whether a job is in manufacturing is close to a
    /// coin toss from one worker to the next, and the passes over residents
    /// ask this of every worker.
    #[inline]
    pub fn teleworks(&self, flags: u8, manufacturing: bool) -> bool {
        use crate::world::residents::{FLAG_ILP, FLAG_TELEWORK_JOB};
        let wanted = FLAG_ILP | FLAG_TELEWORK_JOB;
        self.on & !manufacturing & (flags & wanted == wanted)
    }

    /// The share of workdays a teleworker works from home.
    #[inline]
    pub fn share_of_days(&self) -> f64 {
        self.share_of_days
    }

    /// [`Telework::share`] of a resident's current job, from its flags (see
    /// [`Telework::teleworks`]).
    #[inline]
    pub fn share_of_job(&self, flags: u8, manufacturing: bool) -> f64 {
        self.share_of_days * self.teleworks(flags, manufacturing) as u8 as f64
    }

    /// Draws whether the job of resident `i` at firm `firm_serial` allows
    /// telework into its `flags` (`FLAG_TELEWORK_JOB`, marked drawn).
    #[inline]
    pub fn draw_job(&self, flags: &mut u8, i: usize, firm_serial: u32) {
        use crate::world::residents::{FLAG_TELEWORK_DRAWN, FLAG_TELEWORK_JOB};
        *flags &= !FLAG_TELEWORK_JOB;
        *flags |= FLAG_TELEWORK_DRAWN;
        if self.allows(i, firm_serial) {
            *flags |= FLAG_TELEWORK_JOB;
        }
    }

    /// Clears a resident's telework draw (`flags`), for a new job or none:
    /// the next [`Telework::draw_job`] makes it.
    #[inline]
    pub fn forget_job(flags: &mut u8) {
        use crate::world::residents::{FLAG_TELEWORK_DRAWN, FLAG_TELEWORK_JOB};
        *flags &= !(FLAG_TELEWORK_JOB | FLAG_TELEWORK_DRAWN);
    }

    /// Whether the job of resident `i` at firm `firm_serial` allows
    /// telework: the pair's fixed draw falls below `telework_jobs`.
    #[inline]
    pub fn allows(&self, i: usize, firm_serial: u32) -> bool {
        let z = crate::rng::draw_at(self.key, (i as u64) | ((firm_serial as u64) << 32));
        ((z >> 11) as f64 / (1u64 << 53) as f64) < self.jobs
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::Scenario;
    use crate::world::residents::{FLAG_ILP, FLAG_TELEWORK_JOB};
    use std::path::Path;

    fn rule(enabled: bool, days: f64, jobs: f64) -> Telework {
        let text = format!(
            "[simulation]\nresidents = 100\n[platforms.ilp]\nenabled = {enabled}\n\
             telework_days = {days}\ntelework_jobs = {jobs}\n"
        );
        Telework::new(&Scenario::from_toml(&text, Path::new("t.toml")).expect("valid"))
    }

    #[test]
    fn only_ilp_users_in_service_jobs_that_allow_it_telework() {
        let t = rule(true, 2.0, 1.0);
        assert_eq!(t.share(7, true, 3, false), 0.4, "two days of five");
        assert_eq!(t.share(7, false, 3, false), 0.0, "not a user");
        assert_eq!(t.share(7, true, 3, true), 0.0, "manufacturing");
        assert_eq!(
            rule(false, 2.0, 1.0).share(7, true, 3, false),
            0.0,
            "ILP off"
        );
        assert_eq!(
            rule(true, 2.0, 0.0).share(7, true, 3, false),
            0.0,
            "no job allows it"
        );
        assert_eq!(rule(true, 5.0, 1.0).share_of_days(), 1.0, "every day");
    }

    #[test]
    fn the_share_of_jobs_allowing_telework_is_telework_jobs_and_fixed() {
        let t = rule(true, 2.0, 0.3);
        let n = 20_000;
        let allowed = (0..n).filter(|&i| t.allows(i, (i % 97) as u32)).count();
        let share = allowed as f64 / n as f64;
        assert!((share - 0.3).abs() < 0.02, "share {share}");
        assert!(
            (0..1000).all(|i| t.allows(i, 5) == t.allows(i, 5)),
            "a job keeps its answer"
        );
        let more = rule(true, 2.0, 0.6);
        assert!(
            (0..n).all(|i| !t.allows(i, 1) || more.allows(i, 1)),
            "a higher share only adds jobs"
        );
    }

    #[test]
    fn flags_give_the_same_answer_as_the_draw() {
        let t = rule(true, 2.0, 0.5);
        for i in 0..500 {
            let mut flags = FLAG_ILP;
            t.draw_job(&mut flags, i, 11);
            assert_eq!(flags & FLAG_TELEWORK_JOB != 0, t.allows(i, 11));
            assert_eq!(t.share_of_job(flags, false), t.share(i, true, 11, false));
            assert_eq!(t.share_of_job(flags, true), 0.0);
            Telework::forget_job(&mut flags);
            assert_eq!(flags, FLAG_ILP);
        }
    }
}
