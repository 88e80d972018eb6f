//! Typed calls to the edge. Each returns `Result<_, shared::Error>`: an error response becomes
//! the edge's stable code; a request that never reached the edge becomes `network`. Calls carry
//! the session's bearer token; a refused session is reported to [`Session`].

use crate::state::{Connectivity, Session};
use gloo_net::http::{Request, RequestBuilder, Response};
use serde::de::DeserializeOwned;
use serde::Serialize;
use shared::queue::{Entry, QueueEntryId, TripQueueView, YardQueueView};
use shared::wire::v1::{
    AccountDto, AccountsResponse, AuditLogResponse, AvailabilityResponse, BoardResponse,
    BookSlotRequest, Booking, CallRequest, CallResponse, ChangePasswordRequest, CheckInRequest,
    CheckInResponse, CodeRequest, CodeSent, CreateAccountRequest, DayBookingsResponse, Done,
    ErrorBody, GatesResponse, HealthResponse, KeysResponse, MoveRequest, MyBookingsResponse,
    PasswordResetRequest, ProvinceSyncHealth, RescheduleBookingRequest, ResidentApplicationDto,
    ResidentDto, RetryParkedResponse, RevocationsResponse, SessionResponse, SignInRequest,
    SignUpRequest, SmsInbox, SyncRequest, SyncResponse, TripsResponse, VerifyVehicleRequest,
    VerifyVehicleResponse, YardSettings, YardStatusResponse,
};
use shared::{AccountId, Error, ErrorCode, YardId};

/// The names the pages knew the booking bodies by.
pub use shared::wire::v1::{
    BookSlotRequest as BookBody, RescheduleBookingRequest as RescheduleBody,
};

pub async fn gates() -> Result<GatesResponse, Error> {
    send(Request::get("/api/gates")).await
}

pub async fn health() -> Result<HealthResponse, Error> {
    send(Request::get("/api/health")).await
}

pub async fn sign_up(req: &SignUpRequest) -> Result<SessionResponse, Error> {
    post("/api/auth/signup", req).await
}

pub async fn sign_in(req: &SignInRequest) -> Result<SessionResponse, Error> {
    post("/api/auth/signin", req).await
}

/// Sends a one-time code by SMS (`sign_up` or `reset_password`).
pub async fn request_code(req: &CodeRequest) -> Result<CodeSent, Error> {
    post("/api/auth/codes", req).await
}

pub async fn reset_password(req: &PasswordResetRequest) -> Result<SessionResponse, Error> {
    post("/api/auth/password-reset", req).await
}

/// The local SMS double's inbox (only where the edge runs with it: `make dev`).
pub async fn dev_sms(phone: &str) -> Result<SmsInbox, Error> {
    let url = format!("/api/dev/sms?phone={}", js_sys::encode_uri_component(phone));
    send(Request::get(&url)).await
}

pub async fn sign_out() -> Result<Done, Error> {
    send(Request::post("/api/auth/signout")).await
}

pub async fn sign_out_everywhere() -> Result<Done, Error> {
    send(Request::post("/api/auth/signout-all")).await
}

pub async fn change_password(req: &ChangePasswordRequest) -> Result<Done, Error> {
    post("/api/auth/password", req).await
}

pub async fn me() -> Result<AccountDto, Error> {
    send(Request::get("/api/me")).await
}

pub async fn yard_status(yard: &YardId) -> Result<YardStatusResponse, Error> {
    send(Request::get(&format!("/api/yards/{yard}/status"))).await
}

pub async fn admin_accounts() -> Result<AccountsResponse, Error> {
    send(Request::get("/api/admin/accounts")).await
}

pub async fn admin_create_account(req: &CreateAccountRequest) -> Result<AccountDto, Error> {
    post("/api/admin/accounts", req).await
}

pub async fn admin_set_disabled(id: &AccountId, disabled: bool) -> Result<AccountDto, Error> {
    let action = if disabled { "disable" } else { "enable" };
    send(Request::post(&format!("/api/admin/accounts/{id}/{action}"))).await
}

pub async fn admin_audit_log() -> Result<AuditLogResponse, Error> {
    send(Request::get("/api/admin/audit")).await
}

/// How the push to the province's platform is going (admins).
pub async fn admin_province_sync() -> Result<ProvinceSyncHealth, Error> {
    send(Request::get("/api/admin/province-sync")).await
}

/// Puts a record the province refused back in line to be sent (admins; audited).
pub async fn admin_retry_parked(id: i64) -> Result<RetryParkedResponse, Error> {
    send(Request::post(&format!(
        "/api/admin/province-sync/parked/{id}/retry"
    )))
    .await
}

/// A yard's slot grid for a local day (`YYYY-MM-DD`).
pub async fn availability(yard: &YardId, date: &str) -> Result<AvailabilityResponse, Error> {
    send(Request::get(&format!(
        "/api/yards/{yard}/availability?date={date}"
    )))
    .await
}

/// Books a slot for a trip. `key` stays the same for retries of one attempt.
pub async fn book(yard: &YardId, key: &str, req: &BookSlotRequest) -> Result<Booking, Error> {
    let request = authorized(Request::post(&format!("/api/yards/{yard}/bookings")))
        .header("idempotency-key", key)
        .json(req)
        .map_err(|e| Error::new(ErrorCode::Unknown, e.to_string()))?;
    finish(request.send().await).await
}

/// Cancels one of my bookings.
pub async fn cancel_booking(yard: &YardId, booking_id: &str, key: &str) -> Result<Booking, Error> {
    let request = authorized(Request::post(&format!(
        "/api/yards/{yard}/bookings/{booking_id}/cancel"
    )))
    .header("idempotency-key", key);
    finish(request.send().await).await
}

/// Moves one of my bookings to another slot of the same yard (atomic at the yard).
pub async fn reschedule_booking(
    yard: &YardId,
    booking_id: &str,
    key: &str,
    req: &RescheduleBookingRequest,
) -> Result<Booking, Error> {
    let request = authorized(Request::post(&format!(
        "/api/yards/{yard}/bookings/{booking_id}/reschedule"
    )))
    .header("idempotency-key", key)
    .json(req)
    .map_err(|e| Error::new(ErrorCode::Unknown, e.to_string()))?;
    finish(request.send().await).await
}

/// My bookings at every yard.
pub async fn my_bookings() -> Result<MyBookingsResponse, Error> {
    send(Request::get("/api/bookings")).await
}

/// A yard operator (or officer) has seen a vehicle's registration papers.
pub async fn verify_vehicle(req: &VerifyVehicleRequest) -> Result<VerifyVehicleResponse, Error> {
    post("/api/vehicles/verifications", req).await
}

/// Sends queued writes (see `crate::sync`).
pub async fn sync(req: &SyncRequest) -> Result<SyncResponse, Error> {
    post("/api/sync", req).await
}

/// The account's own vehicles and trips, with their passes.
pub async fn trips() -> Result<TripsResponse, Error> {
    send(Request::get("/api/trips")).await
}

async fn post<B: Serialize, T: DeserializeOwned>(path: &str, body: &B) -> Result<T, Error> {
    let request = authorized(Request::post(path))
        .json(body)
        .map_err(|e| Error::new(ErrorCode::Unknown, e.to_string()))?;
    finish(request.send().await).await
}

async fn send<T: DeserializeOwned>(builder: RequestBuilder) -> Result<T, Error> {
    finish(authorized(builder).send().await).await
}

fn authorized(builder: RequestBuilder) -> RequestBuilder {
    match Session::current_token() {
        Some(token) => builder.header("authorization", &format!("Bearer {token}")),
        None => builder,
    }
}

async fn finish<T: DeserializeOwned>(sent: Result<Response, gloo_net::Error>) -> Result<T, Error> {
    let result = match sent {
        Ok(response) => decode(response).await,
        Err(e) => Err(Error::new(ErrorCode::Network, e.to_string())),
    };
    if let Err(e) = &result {
        if matches!(
            e.code(),
            ErrorCode::Unauthenticated | ErrorCode::SessionExpired | ErrorCode::AccountDisabled
        ) && Session::current_token().is_some()
        {
            Session::report_ended();
        }
    }
    let reached = !matches!(&result, Err(e) if e.code() == ErrorCode::Network);
    Connectivity::report(reached);
    result
}

async fn decode<T: DeserializeOwned>(response: Response) -> Result<T, Error> {
    if response.ok() {
        return response
            .json::<T>()
            .await
            .map_err(|e| Error::new(ErrorCode::Unknown, format!("unexpected response: {e}")));
    }
    let retry_after = response
        .headers()
        .get("retry-after")
        .and_then(|v| v.trim().parse::<u32>().ok());
    match response.json::<ErrorBody>().await {
        Ok(body) => {
            let error = Error::from(body);
            Err(match retry_after {
                Some(secs) => error.with_retry_after(secs),
                None => error,
            })
        }
        // Not our JSON: a proxy or captive portal answered. Treat it as not reaching us.
        Err(_) => Err(Error::new(
            ErrorCode::Network,
            format!("HTTP {} without an error body", response.status()),
        )),
    }
}

/// The signing keys passes are verified against (public).
pub async fn signing_keys() -> Result<KeysResponse, Error> {
    send(Request::get("/api/keys")).await
}

/// The revoked pass ids (officers, yard operators, admins): all of them, or with `since`
/// only those revoked after that instant (merged into the saved list).
pub async fn revocations(since_ms: Option<i64>) -> Result<RevocationsResponse, Error> {
    match since_ms {
        Some(since) => send(Request::get(&format!("/api/revocations?since={since}"))).await,
        None => send(Request::get("/api/revocations")).await,
    }
}

/// A yard's bookings on a local day (`YYYY-MM-DD`), for its operator.
pub async fn yard_bookings(yard: &YardId, date: &str) -> Result<DayBookingsResponse, Error> {
    send(Request::get(&format!(
        "/api/yards/{yard}/bookings?date={date}"
    )))
    .await
}

/// A yard's booking settings, for its operator.
pub async fn yard_config(yard: &YardId) -> Result<YardSettings, Error> {
    send(Request::get(&format!("/api/yards/{yard}/config"))).await
}

/// Replaces a yard's booking settings; answers with the stored settings.
pub async fn save_yard_config(yard: &YardId, config: &YardSettings) -> Result<YardSettings, Error> {
    let request = authorized(Request::put(&format!("/api/yards/{yard}/config")))
        .json(config)
        .map_err(|e| Error::new(ErrorCode::Unknown, e.to_string()))?;
    finish(request.send().await).await
}

/// Checks a vehicle in at the operator's yard from its scanned pass.
pub async fn check_in(yard: &YardId, req: &CheckInRequest) -> Result<CheckInResponse, Error> {
    post(&format!("/api/yards/{yard}/queue/check-ins"), req).await
}

/// The yard's queue as its operator sees it: both lanes, the called vehicles, the day.
pub async fn yard_queue(yard: &YardId) -> Result<YardQueueView, Error> {
    send(Request::get(&format!("/api/yards/{yard}/queue"))).await
}

/// Calls the next vehicles of a lane.
pub async fn call_next(yard: &YardId, req: &CallRequest) -> Result<CallResponse, Error> {
    post(&format!("/api/yards/{yard}/queue/call"), req).await
}

/// A called vehicle came through.
pub async fn serve_entry(yard: &YardId, entry: &QueueEntryId) -> Result<Entry, Error> {
    send(Request::post(&format!(
        "/api/yards/{yard}/queue/entries/{entry}/serve"
    )))
    .await
}

/// A called vehicle did not come.
pub async fn mark_absent(yard: &YardId, entry: &QueueEntryId) -> Result<Entry, Error> {
    send(Request::post(&format!(
        "/api/yards/{yard}/queue/entries/{entry}/absent"
    )))
    .await
}

/// Moves a waiting vehicle to another place in its lane, with a reason.
pub async fn move_entry(
    yard: &YardId,
    entry: &QueueEntryId,
    req: &MoveRequest,
) -> Result<Entry, Error> {
    post(
        &format!("/api/yards/{yard}/queue/entries/{entry}/move"),
        req,
    )
    .await
}

/// Where one of my trips stands in its yard's queue.
pub async fn trip_queue(trip_id: &str) -> Result<TripQueueView, Error> {
    send(Request::get(&format!("/api/trips/{trip_id}/queue"))).await
}

/// Every yard's queue figures (no sign-in needed).
pub async fn board() -> Result<BoardResponse, Error> {
    send(Request::get("/api/board")).await
}

/// Applies for a border resident pass (residents; online only): the new application, or the
/// same one again while it is pending.
pub async fn apply_resident(req: &ResidentApplicationDto) -> Result<ResidentDto, Error> {
    post("/api/residents", req).await
}

/// The account's latest resident application, with its pass while approved; `not_found`
/// when the account never applied.
pub async fn my_resident() -> Result<ResidentDto, Error> {
    send(Request::get("/api/residents/me")).await
}

/// The residents of the officer's gate, pending first (officers): the residents screen and
/// the phone's offline roster (`offline::roster`).
pub async fn gate_residents() -> Result<shared::wire::v1::ResidentsResponse, Error> {
    send(Request::get("/api/residents")).await
}

/// An officer's decision on a resident of their gate (approve, refuse, suspend, reinstate,
/// revoke; a reason for the last three but approve and reinstate).
pub async fn decide_resident(
    id: &str,
    req: &shared::wire::v1::ResidentDecisionDto,
) -> Result<shared::wire::v1::ResidentDto, Error> {
    let id = js_sys::encode_uri_component(id);
    post(&format!("/api/residents/{id}/decisions"), req).await
}
