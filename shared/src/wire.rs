//! The JSON shapes of the HTTP API, versioned.
//!
//! Wire types are not domain types: they are what travels, so they stay stable while the
//! domain evolves. Converting a wire type into a domain type runs the domain's validation, the
//! same in the app and at the edge.

pub mod v1 {
    use crate::time::{format_hhmm, parse_hhmm};
    use crate::{Error, ErrorCode, Gate, GateId, GateKind, LocalizedText, Yard, YardId};
    use serde::{Deserialize, Serialize};

    /// The version of these shapes; sent in [`HealthResponse`].
    pub const API_VERSION: u32 = 1;

    /// Largest request body the edge reads, in bytes.
    pub const MAX_BODY_BYTES: usize = 64 * 1024;

    /// The body of every error response.
    #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
    pub struct ErrorBody {
        pub code: ErrorCode,
        /// English, for developers and logs; users see the translation of `code`.
        pub message: String,
    }

    impl From<&Error> for ErrorBody {
        fn from(e: &Error) -> Self {
            ErrorBody {
                code: e.code(),
                message: e.detail().to_owned(),
            }
        }
    }

    impl From<ErrorBody> for Error {
        fn from(body: ErrorBody) -> Self {
            Error::new(body.code, body.message)
        }
    }

    /// `GET /api/health`
    #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
    pub struct HealthResponse {
        pub status: String,
        pub api_version: u32,
        /// When the scheduled job last ran (Unix ms), if ever.
        pub last_cron_at_ms: Option<i64>,
    }

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

    #[cfg(test)]
    mod tests {
        use super::*;

        fn sample() -> GateDto {
            serde_json::from_str(
                r#"{"id":"chi-ma","kind":"main",
                    "name":{"vi":"Cửa khẩu Chi Ma","en":"Chi Ma Border Gate","zh":"支麻口岸"},
                    "counterpart":{"vi":"Ái Điếm","en":"Aidian","zh":"爱店"},
                    "yards":[{"id":"cm-general","name":{"vi":"Bãi A","en":"Yard A","zh":"A 停车场"},
                      "daily_capacity":350,"slot_minutes":60,"perishable_percent":20,
                      "opens":"06:00","closes":"22:00"}]}"#,
            )
            .unwrap()
        }

        #[test]
        fn a_gate_round_trips_through_the_domain() {
            let dto = sample();
            let gate = Gate::try_from(dto.clone()).unwrap();
            assert_eq!(gate.yards[0].opens_minute, 360);
            assert_eq!(GateDto::from(&gate), dto);
        }

        #[test]
        fn invalid_wire_data_is_refused_by_the_same_rules() {
            let mut dto = sample();
            dto.yards[0].closes = "25:00".into();
            assert_eq!(
                Gate::try_from(dto).unwrap_err().code(),
                ErrorCode::MalformedBody
            );
            let mut dto = sample();
            dto.id = "Chi Ma".into();
            assert_eq!(
                Gate::try_from(dto).unwrap_err().code(),
                ErrorCode::InvalidId
            );
        }

        #[test]
        fn error_body_carries_the_stable_code() {
            let body = ErrorBody::from(&Error::new(ErrorCode::NotFound, "no such route"));
            let json = serde_json::to_value(&body).unwrap();
            assert_eq!(json["code"], "not_found");
            assert_eq!(json["message"], "no such route");
            assert_eq!(Error::from(body).code(), ErrorCode::NotFound);
        }
    }
}
