//! Fires due schedules while the app is open: once a minute, the backend's
//! `run_due_schedules` (the policy lives there, beside `run_schedule`).

use burnrate_api::Backend;

pub fn start(backend: Backend) {
    std::thread::spawn(move || {
        loop {
            // A failed round (a config being edited, say) is retried next
            // minute; each schedule's own failures are in the run log.
            let _ = backend.run_due_schedules(chrono::Utc::now());
            std::thread::sleep(std::time::Duration::from_secs(60));
        }
    });
}
