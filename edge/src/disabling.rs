//! Disabling an account withdraws what it holds: its passes are revoked in the batch that
//! disables it (`accounts::set_disabled`); here its active bookings go back to their yards
//! (each release audited), its vehicles still in a queue are flagged for the yard's operator
//! (who decides: they keep their place until then) and the phones following its trips are
//! disconnected. Running it again does what is left (a yard that failed is tried again).

use crate::audit;
use crate::auth::Principal;
use crate::bookings;
use crate::error::ApiError;
use crate::yard_protocol::{AccountDisabled, YardClient};
use serde::Deserialize;
use serde_json::json;
use shared::{AccountId, AuditEvent, YardId};
use worker::{D1Database, Env};

pub async fn withdraw(
    env: &Env,
    db: &D1Database,
    admin: &Principal,
    account: &AccountId,
    now_ms: i64,
) -> Result<(), ApiError> {
    #[derive(Deserialize)]
    struct BookingRow {
        id: String,
        yard_id: String,
    }
    let active = db
        .prepare("SELECT id, yard_id FROM bookings WHERE account_id = ?1 AND status = 'active'")
        .bind(&[account.as_str().into()])?
        .all()
        .await?
        .results::<BookingRow>()?;
    let mut failed = false;
    for row in active {
        let Some(released) =
            bookings::release_at_yard(env, db, &row.yard_id, &row.id, now_ms).await?
        else {
            failed = true;
            continue;
        };
        audit::record(
            db,
            now_ms,
            Some(admin.account_id.as_str()),
            AuditEvent::BookingReleased,
            Some(account.as_str()),
            json!({
                "booking_id": released.id.as_str(),
                "yard_id": row.yard_id,
                "trip_id": released.trip_id.as_str(),
                "reason": "account_disabled",
            }),
        )
        .await?;
    }
    #[derive(Deserialize)]
    struct Id {
        id: String,
    }
    let trip_ids: Vec<String> = db
        .prepare("SELECT id FROM trips WHERE account_id = ?1")
        .bind(&[account.as_str().into()])?
        .all()
        .await?
        .results::<Id>()?
        .into_iter()
        .map(|r| r.id)
        .collect();
    // Every yard where it has been in the queue or booked: a phone follows its trip there.
    let yards = db
        .prepare(
            "SELECT yard_id AS id FROM queue_entries WHERE account_id = ?1
             UNION SELECT yard_id AS id FROM bookings WHERE account_id = ?1",
        )
        .bind(&[account.as_str().into()])?
        .all()
        .await?
        .results::<Id>()?;
    for row in yards {
        let Ok(yard) = YardId::parse(&row.id) else {
            continue;
        };
        let yard = YardClient {
            env,
            db,
            yard,
            now_ms,
        };
        let answer = yard
            .send(AccountDisabled {
                account_id: account.clone(),
                trip_ids: trip_ids.clone(),
            })
            .await;
        if let Err(e) = answer {
            worker::console_error!(
                "withdrawing a disabled account at yard {} failed: {e:?}",
                row.id
            );
            failed = true;
        }
    }
    if failed {
        return Err(ApiError::internal());
    }
    Ok(())
}
