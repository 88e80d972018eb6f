//! BorderPass edge: one Cloudflare Worker that serves the API under `/api/` and the built PWA
//! as static assets.
//!
//! This file holds only the entry points. [`http`] owns routing, status codes and the one
//! error type that becomes a `{code, message}` response; [`gates`] reads the gate directory from
//! D1; [`yard_do`] is the yard's Durable Object (the single writer of a yard's state);
//! [`jobs`] runs on the cron trigger; [`province`] pushes the outbox to the province and
//! takes its status updates back; [`sync`] is the edge side of the phones' outbox, applying
//! the vehicle and trip writes of [`trips`] exactly once; [`passes`] signs trip passes and
//! serves the trust list and deny-list. Domain rules live in the `shared` crate.

pub mod accounts;
pub mod audit;
pub mod auth;
pub mod availability_cache;
pub mod bindings;
pub mod bookings;
pub mod clock;
pub mod disabling;
pub mod error;
pub mod gates;
pub mod http;
pub mod jobs;
pub mod otp;
pub mod outbox;
pub mod passes;
pub mod province;
pub mod queue;
pub mod rate_limits;
pub mod residents;
pub mod sms;
pub mod sql;
pub mod sync;
pub mod trips;
pub mod vehicles;
pub mod verified_plates;
pub mod yard_do;
pub mod yard_protocol;

pub use yard_do::YardDo;

use worker::{event, Context, Env, Request, Response, Result, ScheduleContext, ScheduledEvent};

#[event(fetch)]
async fn fetch(req: Request, env: Env, ctx: Context) -> Result<Response> {
    // A write that succeeded may have recorded events: push them to the province soon, after
    // the answer has left (the cron trigger catches whatever this misses).
    let write_clock = http::write_clock(&req);
    let response = http::serve(req, &env).await;
    if let Some(at_ms) = write_clock.filter(|_| response.status_code() < 400) {
        ctx.wait_until(province::pusher::push_soon(env, at_ms));
    }
    Ok(response)
}

#[event(scheduled)]
async fn scheduled(event: ScheduledEvent, env: Env, _ctx: ScheduleContext) {
    if let Err(e) = jobs::run(&env, &event.cron(), clock::now_ms()).await {
        worker::console_error!("scheduled job failed: {e}");
    }
}
