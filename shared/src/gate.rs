//! Border gates and the yards where trucks wait before crossing.

use crate::{time, Error, ErrorCode, Lang};
use serde::{Deserialize, Serialize};
use std::fmt;

macro_rules! slug_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
        #[serde(transparent)]
        pub struct $name(String);

        impl $name {
            pub fn parse(s: &str) -> Result<Self, Error> {
                $crate::gate::validate_slug(s).map(|()| $name(s.to_owned()))
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = String::deserialize(d)?;
                $name::parse(&s).map_err(serde::de::Error::custom)
            }
        }
    };
}

pub(crate) use slug_id;

slug_id!(
    /// A gate's short, stable id, such as `huu-nghi`.
    GateId
);
slug_id!(
    /// A yard's short, stable id, such as `hn-fruit`. Also names the yard's Durable Object.
    YardId
);

/// Ids are short lowercase slugs: they travel in URLs, QR passes and object names.
pub(crate) fn validate_slug(s: &str) -> Result<(), Error> {
    let ok = (2..=32).contains(&s.len())
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !s.starts_with('-')
        && !s.ends_with('-');
    if ok {
        Ok(())
    } else {
        Err(Error::new(
            ErrorCode::InvalidId,
            "ids are 2-32 characters of a-z, 0-9 and inner hyphens",
        ))
    }
}

/// What kind of crossing a gate is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GateKind {
    InternationalRoad,
    InternationalRail,
    /// A main (bilateral) gate.
    Main,
    Auxiliary,
    ClearancePoint,
}

/// A text in the three languages of the app. Every name the app shows has all three.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LocalizedText {
    pub vi: String,
    pub en: String,
    pub zh: String,
}

impl LocalizedText {
    pub fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::Vi => &self.vi,
            Lang::En => &self.en,
            Lang::Zh => &self.zh,
        }
    }

    fn validate(&self, what: &str) -> Result<(), Error> {
        for text in [&self.vi, &self.en, &self.zh] {
            if text.trim().is_empty() || text.chars().count() > 120 {
                return Err(Error::new(
                    ErrorCode::MalformedBody,
                    format!("{what} needs a name of 1-120 characters in vi, en and zh"),
                ));
            }
        }
        Ok(())
    }
}

/// A waiting yard at a gate, with its booking capacity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Yard {
    pub id: YardId,
    pub name: LocalizedText,
    /// Vehicles the yard can take in one day.
    pub daily_capacity: u32,
    /// Length of one booking slot.
    pub slot_minutes: u16,
    /// Share of each slot's capacity kept for perishable cargo, in percent.
    pub perishable_percent: u8,
    /// Opening hours, minutes after local midnight (Asia/Ho_Chi_Minh); `closes` may be 1440.
    pub opens_minute: u16,
    pub closes_minute: u16,
}

impl Yard {
    /// Slot lengths that divide an hour or a day evenly.
    pub const SLOT_MINUTES: [u16; 4] = [15, 30, 60, 120];

    pub fn validate(&self) -> Result<(), Error> {
        let bad = |why: String| Error::new(ErrorCode::MalformedBody, why);
        self.name.validate("a yard")?;
        if !Self::SLOT_MINUTES.contains(&self.slot_minutes) {
            return Err(bad(format!(
                "yard {}: slot length must be 15, 30, 60 or 120 minutes",
                self.id
            )));
        }
        if self.perishable_percent > 100 {
            return Err(bad(format!(
                "yard {}: perishable share is a percentage",
                self.id
            )));
        }
        if self.opens_minute >= self.closes_minute || self.closes_minute > time::MINUTES_PER_DAY {
            return Err(bad(format!(
                "yard {}: opening hours must be within one day",
                self.id
            )));
        }
        if self.daily_capacity == 0 || self.daily_capacity > 100_000 {
            return Err(bad(format!(
                "yard {}: daily capacity must be 1-100000",
                self.id
            )));
        }
        Ok(())
    }

    /// Number of booking slots in a full open day.
    pub fn slots_per_day(&self) -> u32 {
        u32::from(self.closes_minute - self.opens_minute) / u32::from(self.slot_minutes)
    }

    /// Capacity of one slot, spreading the daily capacity evenly (rounded up, so the day's
    /// total is never below `daily_capacity`).
    pub fn capacity_per_slot(&self) -> u32 {
        self.daily_capacity.div_ceil(self.slots_per_day().max(1))
    }

    /// Places in one slot kept for perishable cargo (rounded down: general cargo keeps the rest).
    pub fn perishable_places_per_slot(&self) -> u32 {
        self.capacity_per_slot() * u32::from(self.perishable_percent) / 100
    }
}

/// A border gate with its yards.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Gate {
    pub id: GateId,
    pub kind: GateKind,
    pub name: LocalizedText,
    /// The gate on the Chinese side of the border.
    pub counterpart: LocalizedText,
    pub yards: Vec<Yard>,
}

impl Gate {
    pub fn validate(&self) -> Result<(), Error> {
        self.name.validate("a gate")?;
        self.counterpart.validate("a gate's counterpart")?;
        self.yards.iter().try_for_each(Yard::validate)
    }

    /// Vehicles a day across all the gate's yards.
    pub fn daily_capacity(&self) -> u32 {
        self.yards.iter().map(|y| y.daily_capacity).sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(crate) fn text(s: &str) -> LocalizedText {
        LocalizedText {
            vi: s.into(),
            en: s.into(),
            zh: s.into(),
        }
    }

    fn yard() -> Yard {
        Yard {
            id: YardId::parse("hn-fruit").unwrap(),
            name: text("Fruit yard"),
            daily_capacity: 400,
            slot_minutes: 60,
            perishable_percent: 60,
            opens_minute: 6 * 60,
            closes_minute: 22 * 60,
        }
    }

    #[test]
    fn slugs_are_validated() {
        assert!(GateId::parse("huu-nghi").is_ok());
        assert!(YardId::parse("hn-1").is_ok());
        for bad in [
            "",
            "a",
            "-x",
            "x-",
            "Huu",
            "huu nghi",
            "hữu",
            &"a".repeat(33),
        ] {
            assert_eq!(
                GateId::parse(bad).unwrap_err().code(),
                ErrorCode::InvalidId,
                "{bad:?}"
            );
        }
    }

    #[test]
    fn ids_are_validated_when_deserialised() {
        assert!(serde_json::from_str::<YardId>("\"hn-1\"").is_ok());
        assert!(serde_json::from_str::<YardId>("\"../etc\"").is_err());
    }

    #[test]
    fn slot_capacity_spreads_the_day_and_never_loses_places() {
        let y = yard();
        assert_eq!(y.slots_per_day(), 16);
        assert_eq!(y.capacity_per_slot(), 25);
        assert!(y.capacity_per_slot() * y.slots_per_day() >= y.daily_capacity);
        assert_eq!(y.perishable_places_per_slot(), 15);
    }

    #[test]
    fn bad_yards_are_refused() {
        let mut y = yard();
        y.slot_minutes = 45;
        assert!(y.validate().is_err());
        let mut y = yard();
        y.perishable_percent = 101;
        assert!(y.validate().is_err());
        let mut y = yard();
        y.opens_minute = y.closes_minute;
        assert!(y.validate().is_err());
        let mut y = yard();
        y.daily_capacity = 0;
        assert!(y.validate().is_err());
        let mut y = yard();
        y.name.zh = " ".into();
        assert!(y.validate().is_err());
        assert!(yard().validate().is_ok());
    }

    #[test]
    fn localized_text_picks_the_language() {
        let t = LocalizedText {
            vi: "Hữu Nghị".into(),
            en: "Huu Nghi".into(),
            zh: "友谊".into(),
        };
        assert_eq!(t.get(Lang::Vi), "Hữu Nghị");
        assert_eq!(t.get(Lang::En), "Huu Nghi");
        assert_eq!(t.get(Lang::Zh), "友谊");
    }
}
