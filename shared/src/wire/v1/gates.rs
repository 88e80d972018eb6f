//! The gate directory: gates, their yards, a yard object's status.

use super::*;

/// `GET /api/gates`
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GatesResponse {
    pub gates: Vec<GateDto>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GateDto {
    pub id: String,
    pub kind: GateKind,
    pub name: LocalizedText,
    pub counterpart: LocalizedText,
    pub yards: Vec<YardDto>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct YardDto {
    pub id: String,
    pub name: LocalizedText,
    pub daily_capacity: u32,
    pub slot_minutes: u16,
    pub perishable_percent: u8,
    /// Local opening time, `HH:MM`.
    pub opens: String,
    /// Local closing time, `HH:MM` (`24:00` for midnight).
    pub closes: String,
}

/// `GET /api/yards/{id}/status`: the yard's Durable Object answering for itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct YardStatusResponse {
    pub yard_id: String,
    /// Version of the object's SQLite schema.
    pub schema_version: u32,
    /// When the object first served a request (Unix ms), from its own storage.
    pub first_seen_at_ms: i64,
    /// Status calls served so far, counted in the object's storage.
    pub status_calls: u64,
    /// Times the object has migrated its schema: once per schema version it has run, not
    /// once per call (0 for an object whose schema predates the count).
    #[serde(default)]
    pub schema_migrations: u64,
}

impl From<&Yard> for YardDto {
    fn from(y: &Yard) -> Self {
        YardDto {
            id: y.id.to_string(),
            name: y.name.clone(),
            daily_capacity: y.daily_capacity,
            slot_minutes: y.slot_minutes,
            perishable_percent: y.perishable_percent,
            opens: format_hhmm(y.opens_minute),
            closes: format_hhmm(y.closes_minute),
        }
    }
}

impl TryFrom<YardDto> for Yard {
    type Error = Error;

    fn try_from(dto: YardDto) -> Result<Self, Error> {
        let hours = |s: &str| {
            parse_hhmm(s).ok_or_else(|| {
                Error::new(
                    ErrorCode::MalformedBody,
                    format!("{s:?} is not a HH:MM time"),
                )
            })
        };
        let yard = Yard {
            id: YardId::parse(&dto.id)?,
            name: dto.name,
            daily_capacity: dto.daily_capacity,
            slot_minutes: dto.slot_minutes,
            perishable_percent: dto.perishable_percent,
            opens_minute: hours(&dto.opens)?,
            closes_minute: hours(&dto.closes)?,
        };
        yard.validate()?;
        Ok(yard)
    }
}

impl From<&Gate> for GateDto {
    fn from(g: &Gate) -> Self {
        GateDto {
            id: g.id.to_string(),
            kind: g.kind,
            name: g.name.clone(),
            counterpart: g.counterpart.clone(),
            yards: g.yards.iter().map(YardDto::from).collect(),
        }
    }
}

impl TryFrom<GateDto> for Gate {
    type Error = Error;

    fn try_from(dto: GateDto) -> Result<Self, Error> {
        let gate = Gate {
            id: GateId::parse(&dto.id)?,
            kind: dto.kind,
            name: dto.name,
            counterpart: dto.counterpart,
            yards: dto
                .yards
                .into_iter()
                .map(Yard::try_from)
                .collect::<Result<_, _>>()?,
        };
        gate.validate()?;
        Ok(gate)
    }
}
