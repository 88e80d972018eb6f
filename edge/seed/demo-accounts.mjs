// The demo accounts, one per role: loaded by `make dev` and `make test` (as
// edge/seed/demo-accounts.sql, made from this list by scripts/make-demo-accounts.mjs), used by
// the tests, and listed in README.
export const DEMO_ACCOUNTS = [
  { id: "d000000000000001", phone: "+84981000001", password: "demo-admin-2026", role: "admin", name: "Quản trị viên tỉnh" },
  { id: "d000000000000002", phone: "+84981000002", password: "demo-officer-2026", role: "officer", name: "Cán bộ biên phòng Hữu Nghị", gate: "huu-nghi" },
  { id: "d000000000000003", phone: "+84981000003", password: "demo-operator-2026", role: "yard_operator", name: "Điều phối bãi Chi Ma 1", yard: "cm-1" },
  { id: "d000000000000004", phone: "+84981000004", password: "demo-driver-2026", role: "driver", name: "Nguyễn Văn Tài" },
  { id: "d000000000000005", phone: "+84981000005", password: "demo-trader-2026", role: "trader", name: "Hộ kinh doanh Lê Thị Hoa" },
  { id: "d000000000000006", phone: "+84981000006", password: "demo-resident-2026", role: "resident", name: "Hoàng Văn Páo" },
];
