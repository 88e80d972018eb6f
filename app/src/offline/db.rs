//! The app's IndexedDB database: one place for its name, version and object stores.

use indexed_db_futures::database::Database;
use indexed_db_futures::prelude::*;
use indexed_db_futures::transaction::TransactionMode;
use serde::de::DeserializeOwned;
use serde::Serialize;

const DB_NAME: &str = "borderpass";
const DB_VERSION: u32 = 3;

/// Last-known copies of server data, keyed by what they are (e.g. `"gates"`).
pub const SNAPSHOTS: &str = "snapshots";
/// Who is signed in on this phone (the session token and the account).
pub const SESSION: &str = "session";
/// Writes waiting to reach the edge, keyed by `"<client id>/<seq padded>"` (see `outbox`).
pub const OUTBOX: &str = "outbox";
/// The officer's offline trust material: the signing keys and the revoked pass ids.
pub const TRUST: &str = "trust";

pub type DbResult<T> = Result<T, String>;

async fn open() -> DbResult<Database> {
    Database::open(DB_NAME)
        .with_version(DB_VERSION)
        .with_on_upgrade_needed(|event, db| {
            if event.old_version() < 1.0 {
                db.create_object_store(SNAPSHOTS).build()?;
            }
            if event.old_version() < 2.0 {
                db.create_object_store(SESSION).build()?;
            }
            if event.old_version() < 3.0 {
                db.create_object_store(OUTBOX).build()?;
                db.create_object_store(TRUST).build()?;
            }
            Ok(())
        })
        .await
        .map_err(|e| format!("opening IndexedDB: {e}"))
}

/// Stores `value` under `key`, replacing what was there; committed before returning.
pub async fn put<T: Serialize>(store: &str, key: &str, value: &T) -> DbResult<()> {
    let db = open().await?;
    let tx = db
        .transaction(store)
        .with_mode(TransactionMode::Readwrite)
        .build()
        .map_err(|e| e.to_string())?;
    let object_store = tx.object_store(store).map_err(|e| e.to_string())?;
    object_store
        .put(value)
        .with_key(key.to_owned())
        .serde()
        .map_err(|e| e.to_string())?
        .await
        .map_err(|e| e.to_string())?;
    tx.commit().await.map_err(|e| e.to_string())
}

pub async fn delete(store: &str, key: &str) -> DbResult<()> {
    let db = open().await?;
    let tx = db
        .transaction(store)
        .with_mode(TransactionMode::Readwrite)
        .build()
        .map_err(|e| e.to_string())?;
    let object_store = tx.object_store(store).map_err(|e| e.to_string())?;
    object_store
        .delete(key)
        .build()
        .map_err(|e| e.to_string())?
        .await
        .map_err(|e| e.to_string())?;
    tx.commit().await.map_err(|e| e.to_string())
}

pub async fn get<T: DeserializeOwned>(store: &str, key: &str) -> DbResult<Option<T>> {
    let db = open().await?;
    let tx = db.transaction(store).build().map_err(|e| e.to_string())?;
    let object_store = tx.object_store(store).map_err(|e| e.to_string())?;
    object_store
        .get(key)
        .serde()
        .map_err(|e| e.to_string())?
        .await
        .map_err(|e| e.to_string())
}

/// Every value in `store` (small stores only: the outbox, a few hundred entries at most).
pub async fn get_all<T: DeserializeOwned>(store: &str) -> DbResult<Vec<T>> {
    let db = open().await?;
    let tx = db.transaction(store).build().map_err(|e| e.to_string())?;
    let object_store = tx.object_store(store).map_err(|e| e.to_string())?;
    let values = object_store
        .get_all::<T>()
        .serde()
        .map_err(|e| e.to_string())?
        .await
        .map_err(|e| e.to_string())?;
    values
        .collect::<Result<Vec<T>, _>>()
        .map_err(|e| e.to_string())
}

/// Writes and deletes in one transaction: all of them happen, or none.
pub async fn write_all<T: Serialize>(
    store: &str,
    puts: &[(String, T)],
    deletes: &[String],
) -> DbResult<()> {
    let db = open().await?;
    let tx = db
        .transaction(store)
        .with_mode(TransactionMode::Readwrite)
        .build()
        .map_err(|e| e.to_string())?;
    let object_store = tx.object_store(store).map_err(|e| e.to_string())?;
    for (key, value) in puts {
        object_store
            .put(value)
            .with_key(key.clone())
            .serde()
            .map_err(|e| e.to_string())?
            .await
            .map_err(|e| e.to_string())?;
    }
    for key in deletes {
        object_store
            .delete(key.as_str())
            .build()
            .map_err(|e| e.to_string())?
            .await
            .map_err(|e| e.to_string())?;
    }
    tx.commit().await.map_err(|e| e.to_string())
}

/// Deletes every record of `store` whose key `doomed` picks, in one transaction.
pub async fn delete_where(store: &str, doomed: impl Fn(&str) -> bool) -> DbResult<()> {
    let db = open().await?;
    let tx = db
        .transaction(store)
        .with_mode(TransactionMode::Readwrite)
        .build()
        .map_err(|e| e.to_string())?;
    let object_store = tx.object_store(store).map_err(|e| e.to_string())?;
    let keys = object_store
        .get_all_keys::<String>()
        .serde()
        .map_err(|e| e.to_string())?
        .await
        .map_err(|e| e.to_string())?
        .collect::<Result<Vec<String>, _>>()
        .map_err(|e| e.to_string())?;
    for key in keys.iter().filter(|k| doomed(k)) {
        object_store
            .delete(key.as_str())
            .build()
            .map_err(|e| e.to_string())?
            .await
            .map_err(|e| e.to_string())?;
    }
    tx.commit().await.map_err(|e| e.to_string())
}
