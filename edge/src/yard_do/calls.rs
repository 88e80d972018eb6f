//! Each method of the [`crate::yard_protocol`], run on the yard: the request decoded into
//! `shared`'s types, the operation run through the runner, the answer (typed by the method)
//! serialised as `Result<Answer, ErrorBody>`.

use super::{sqlite, YardDo};
use crate::yard_protocol::facts::{book_request, cancel_request, reschedule_request};
use crate::yard_protocol::{self as protocol, Envelope, WireAnswer, YardMethod, YardRequest};
use shared::booking::BookingId;
use shared::queue::QueueEntryId;
use shared::wire::v1::{CallResponse, ErrorBody};
use shared::{Error, ErrorCode};

/// The answer of method `M`, as it travels.
fn reply<M: YardMethod>(answer: Result<M::Answer, Error>) -> String {
    let wire: WireAnswer<M::Answer> = answer.map_err(|e| ErrorBody::from(&e));
    serde_json::to_string(&wire).unwrap_or_else(|e| {
        worker::console_error!("an answer did not serialise: {e}");
        r#"{"Err":{"code":"internal","message":"internal error"}}"#.to_owned()
    })
}

impl YardDo {
    /// Runs one call and returns its answer's JSON.
    pub(super) fn answer(&self, envelope: Envelope) -> String {
        let Envelope {
            yard: yard_id,
            setup,
            now_ms: now,
            request,
        } = envelope;
        let setup = setup.as_ref();
        match request {
            YardRequest::Status(_) => reply::<protocol::Status>(
                self.sql()
                    .and_then(|sql| sqlite::status(&sql, &yard_id, now))
                    .map_err(|e| internal("status", e)),
            ),
            YardRequest::Availability(m) => {
                reply::<protocol::Availability>(
                    self.run(setup, now, |y| Ok(y.availability(m.date, now))),
                )
            }
            YardRequest::Book(m) => reply::<protocol::Book>(new_booking_id().and_then(|id| {
                self.run(setup, now, |y| {
                    let request = book_request(&yard_id, m)?;
                    y.book(&request, id, now)
                })
            })),
            YardRequest::Cancel(m) => reply::<protocol::Cancel>(self.run(setup, now, |y| {
                y.cancel(&cancel_request(m.account, &m.booking_id, &m.key)?, now)
            })),
            YardRequest::Reschedule(m) => {
                reply::<protocol::Reschedule>(
                    self.run(setup, now, |y| y.reschedule(&reschedule_request(m)?, now)),
                )
            }
            YardRequest::CancelByYard(m) => {
                reply::<protocol::CancelByYard>(
                    self.run(setup, now, |y| y.cancel_by_yard(&m.booking_id, now)),
                )
            }
            YardRequest::DayBookings(m) => {
                reply::<protocol::DayBookings>(self.run(setup, now, |y| Ok(y.day_bookings(m.date))))
            }
            YardRequest::GetConfig(_) => {
                reply::<protocol::GetConfig>(self.run(setup, now, |y| Ok(y.config().clone())))
            }
            YardRequest::SetConfig(m) => {
                reply::<protocol::SetConfig>(self.run(setup, now, |y| y.set_config(m.config, now)))
            }
            YardRequest::CheckIn(m) => reply::<protocol::CheckIn>(new_entry_id().and_then(|id| {
                self.run(setup, now, |y| {
                    let arrival = m.trip.into_arrival()?;
                    y.check_in(arrival, m.scanned_at_ms, id, m.key.as_deref(), now)
                })
            })),
            YardRequest::StoredCheckIn(m) => {
                reply::<protocol::StoredCheckIn>(self.run(setup, now, |y| {
                    Ok(y.stored_check_in(&m.key)
                        .map(|r| r.map_err(|e| ErrorBody::from(&e))))
                }))
            }
            YardRequest::LanesView(_) => {
                reply::<protocol::LanesView>(self.run(setup, now, |y| Ok(y.lanes_view(now))))
            }
            YardRequest::Call(m) => reply::<protocol::Call>(self.run(setup, now, |y| {
                Ok(CallResponse {
                    called: y.call(m.lane, m.count, now)?,
                })
            })),
            YardRequest::Serve(m) => {
                reply::<protocol::Serve>(self.run(setup, now, |y| y.serve(&m.entry, now)))
            }
            YardRequest::Absent(m) => {
                reply::<protocol::Absent>(self.run(setup, now, |y| y.absent(&m.entry, now)))
            }
            YardRequest::Move(m) => reply::<protocol::Move>(self.run(setup, now, |y| {
                y.move_entry(&m.entry, m.position, &m.reason, &m.by, now)
            })),
            YardRequest::TripView(m) => reply::<protocol::TripView>(
                self.run(setup, now, |y| Ok(y.trip_view(&m.trip_id, now))),
            ),
            YardRequest::AccountDisabled(m) => {
                let flagged = self.run(setup, now, |y| Ok(y.account_disabled(&m.account_id)));
                reply::<protocol::AccountDisabled>(flagged.map(|flagged| {
                    protocol::AccountDisabledAnswer {
                        flagged,
                        closed: self.close_sockets_of(&m.trip_ids),
                    }
                }))
            }
        }
    }
}

fn internal(what: &str, e: worker::Error) -> Error {
    worker::console_error!("yard {what}: {e:?}");
    Error::new(ErrorCode::Internal, "internal error")
}

/// A random booking id: `bk-` and 10 hex characters.
fn new_booking_id() -> Result<BookingId, Error> {
    BookingId::parse(&format!("bk-{}", random_hex()?))
}

/// A random entry id: `q-` and 10 hex characters.
fn new_entry_id() -> Result<QueueEntryId, Error> {
    QueueEntryId::parse(&format!("q-{}", random_hex()?))
}

fn random_hex() -> Result<String, Error> {
    let bytes = crate::auth::secrets::random_bytes::<5>().map_err(|e| internal("random", e))?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}
