//! The gate directory: gates and their yards, read from D1.
//!
//! D1 holds the directory for reads; each yard's live state (slots, bookings, queue) belongs to
//! its Durable Object. Rows are checked by the same domain rules as any other input: a bad row
//! is our bug, logged and answered as an internal error rather than sent to phones.

use crate::error::ApiError;
use serde::Deserialize;
use shared::wire::v1::{GateDto, GatesResponse};
use shared::{Error, ErrorCode, Gate, GateId, GateKind, LocalizedText, Yard, YardId};
use worker::D1Database;

#[derive(Debug, Clone, Deserialize)]
pub struct GateRow {
    pub id: String,
    pub kind: GateKind,
    pub name_vi: String,
    pub name_en: String,
    pub name_zh: String,
    pub counterpart_vi: String,
    pub counterpart_en: String,
    pub counterpart_zh: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct YardRow {
    pub id: String,
    pub gate_id: String,
    pub name_vi: String,
    pub name_en: String,
    pub name_zh: String,
    pub daily_capacity: u32,
    pub slot_minutes: u16,
    pub perishable_percent: u8,
    pub opens_minute: u16,
    pub closes_minute: u16,
}

/// `GET /api/gates`: every gate with its yards, in display order.
pub async fn list(db: &D1Database) -> Result<GatesResponse, ApiError> {
    let gate_rows = db
        .prepare("SELECT * FROM gates ORDER BY sort_order, id")
        .all()
        .await?
        .results::<GateRow>()?;
    let yard_rows = db
        .prepare("SELECT * FROM yards ORDER BY gate_id, sort_order, id")
        .all()
        .await?
        .results::<YardRow>()?;
    let gates = assemble(gate_rows, yard_rows).map_err(|e| {
        worker::console_error!("gate directory rows are invalid: {e}");
        ApiError::internal()
    })?;
    Ok(GatesResponse {
        gates: gates.iter().map(GateDto::from).collect(),
    })
}

pub async fn yard_exists(db: &D1Database, yard_id: &YardId) -> Result<bool, ApiError> {
    exists(db, "SELECT id FROM yards WHERE id = ?1", yard_id.as_str()).await
}

pub async fn gate_exists(db: &D1Database, gate_id: &GateId) -> Result<bool, ApiError> {
    exists(db, "SELECT id FROM gates WHERE id = ?1", gate_id.as_str()).await
}

async fn exists(db: &D1Database, query: &str, id: &str) -> Result<bool, ApiError> {
    #[derive(Deserialize)]
    struct Found {
        #[allow(dead_code)]
        id: String,
    }
    let found = db
        .prepare(query)
        .bind(&[id.into()])?
        .first::<Found>(None)
        .await?;
    Ok(found.is_some())
}

/// A yard and its gate, from D1, validated: `None` if there is no such yard.
pub async fn yard_with_gate(
    db: &D1Database,
    yard_id: &YardId,
) -> Result<Option<(Yard, GateId)>, ApiError> {
    let row = db
        .prepare("SELECT * FROM yards WHERE id = ?1")
        .bind(&[yard_id.as_str().into()])?
        .first::<YardRow>(None)
        .await?;
    let Some(row) = row else {
        return Ok(None);
    };
    let checked = GateId::parse(&row.gate_id).and_then(|gate| {
        let yard = yard_of(row)?;
        yard.validate()?;
        Ok((yard, gate))
    });
    checked.map(Some).map_err(|e| {
        worker::console_error!("yard row {yard_id} is invalid: {e}");
        ApiError::internal()
    })
}

fn yard_of(row: YardRow) -> Result<Yard, Error> {
    Ok(Yard {
        id: YardId::parse(&row.id)?,
        name: LocalizedText {
            vi: row.name_vi,
            en: row.name_en,
            zh: row.name_zh,
        },
        daily_capacity: row.daily_capacity,
        slot_minutes: row.slot_minutes,
        perishable_percent: row.perishable_percent,
        opens_minute: row.opens_minute,
        closes_minute: row.closes_minute,
    })
}

/// Builds validated gates from rows, keeping the rows' order. Every yard must belong to a gate.
pub fn assemble(gate_rows: Vec<GateRow>, yard_rows: Vec<YardRow>) -> Result<Vec<Gate>, Error> {
    let mut gates = gate_rows
        .into_iter()
        .map(|row| {
            Ok(Gate {
                id: GateId::parse(&row.id)?,
                kind: row.kind,
                name: LocalizedText {
                    vi: row.name_vi,
                    en: row.name_en,
                    zh: row.name_zh,
                },
                counterpart: LocalizedText {
                    vi: row.counterpart_vi,
                    en: row.counterpart_en,
                    zh: row.counterpart_zh,
                },
                yards: Vec::new(),
            })
        })
        .collect::<Result<Vec<_>, Error>>()?;
    for row in yard_rows {
        let gate = gates
            .iter_mut()
            .find(|g| g.id.as_str() == row.gate_id)
            .ok_or_else(|| {
                Error::new(
                    ErrorCode::Internal,
                    format!("yard {} belongs to unknown gate {}", row.id, row.gate_id),
                )
            })?;
        gate.yards.push(yard_of(row)?);
    }
    gates.iter().try_for_each(Gate::validate)?;
    Ok(gates)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gate(id: &str) -> GateRow {
        GateRow {
            id: id.into(),
            kind: GateKind::Main,
            name_vi: "Chi Ma".into(),
            name_en: "Chi Ma".into(),
            name_zh: "支麻".into(),
            counterpart_vi: "Ái Điếm".into(),
            counterpart_en: "Aidian".into(),
            counterpart_zh: "爱店".into(),
        }
    }

    fn yard(id: &str, gate_id: &str) -> YardRow {
        YardRow {
            id: id.into(),
            gate_id: gate_id.into(),
            name_vi: "Bãi".into(),
            name_en: "Yard".into(),
            name_zh: "停车场".into(),
            daily_capacity: 300,
            slot_minutes: 60,
            perishable_percent: 20,
            opens_minute: 360,
            closes_minute: 1320,
        }
    }

    #[test]
    fn yards_are_grouped_under_their_gates_in_order() {
        let gates = assemble(
            vec![gate("chi-ma"), gate("coc-nam")],
            vec![
                yard("cm-1", "chi-ma"),
                yard("cn-1", "coc-nam"),
                yard("cm-2", "chi-ma"),
            ],
        )
        .unwrap();
        assert_eq!(gates.len(), 2);
        let ids: Vec<_> = gates[0].yards.iter().map(|y| y.id.as_str()).collect();
        assert_eq!(ids, ["cm-1", "cm-2"]);
        assert_eq!(gates[1].yards.len(), 1);
    }

    #[test]
    fn an_orphan_yard_is_an_error_not_a_silent_drop() {
        let e = assemble(vec![gate("chi-ma")], vec![yard("x-1", "nowhere")]).unwrap_err();
        assert_eq!(e.code(), ErrorCode::Internal);
    }

    #[test]
    fn invalid_rows_are_refused() {
        let mut bad = yard("cm-1", "chi-ma");
        bad.slot_minutes = 7;
        assert!(assemble(vec![gate("chi-ma")], vec![bad]).is_err());
        assert!(assemble(vec![gate("Chi Ma")], vec![]).is_err());
    }
}
