-- Demo data: Lang Son's gates (real) with demo yards. Safe to load again: rows are replaced.
-- Capacities follow the province's figures (see ../shared/DESIGN.md): Huu Nghi with Tan Thanh
-- take >1,000 vehicles a day through the digital platform, Tan Thanh 600-700, Chi Ma ~600,
-- the Dong Dang railway station ~120 freight cars.

INSERT OR REPLACE INTO gates
  (id, kind, name_vi, name_en, name_zh, counterpart_vi, counterpart_en, counterpart_zh, sort_order)
VALUES
  ('huu-nghi', 'international_road',
   'Cửa khẩu quốc tế Hữu Nghị', 'Huu Nghi International Border Gate', '友谊国际口岸',
   'Hữu Nghị Quan (Bằng Tường)', 'Youyiguan (Pingxiang)', '友谊关（凭祥）', 1),
  ('tan-thanh', 'clearance_point',
   'Điểm thông quan Tân Thanh', 'Tan Thanh Clearance Point', '新清通关点',
   'Phố Trại', 'Puzhai', '浦寨', 2),
  ('chi-ma', 'main',
   'Cửa khẩu chính Chi Ma', 'Chi Ma Border Gate', '支麻口岸',
   'Ái Điếm', 'Aidian', '爱店', 3),
  ('coc-nam', 'clearance_point',
   'Điểm thông quan Cốc Nam', 'Coc Nam Clearance Point', '谷南通关点',
   'Lộng Nghiêu', 'Longyao', '弄尧', 4),
  ('dong-dang-rail', 'international_rail',
   'Ga đường sắt quốc tế Đồng Đăng', 'Dong Dang International Railway Station', '同登国际铁路站',
   'Ga Bằng Tường', 'Pingxiang Station', '凭祥站', 5);

INSERT OR REPLACE INTO yards
  (id, gate_id, name_vi, name_en, name_zh,
   daily_capacity, slot_minutes, perishable_percent, opens_minute, closes_minute, sort_order)
VALUES
  ('hn-export-1', 'huu-nghi', 'Bãi chờ xuất khẩu số 1', 'Export waiting yard 1', '出口候车场 1 号',
   220, 60, 30, 360, 1320, 1),
  ('hn-fruit', 'huu-nghi', 'Bãi hàng hoa quả tươi', 'Fresh fruit yard', '鲜果停车场',
   180, 30, 70, 300, 1380, 2),
  ('hn-import', 'huu-nghi', 'Bãi hàng nhập khẩu', 'Import yard', '进口货物停车场',
   150, 60, 10, 420, 1260, 3),
  ('tt-fruit', 'tan-thanh', 'Bãi hoa quả Tân Thanh', 'Tan Thanh fruit yard', '新清鲜果停车场',
   400, 30, 70, 300, 1380, 1),
  ('tt-general', 'tan-thanh', 'Bãi hàng tổng hợp Tân Thanh', 'Tan Thanh general cargo yard', '新清综合货物停车场',
   250, 60, 20, 360, 1320, 2),
  ('cm-1', 'chi-ma', 'Bãi chờ Chi Ma 1', 'Chi Ma waiting yard 1', '支麻候车场 1 号',
   350, 60, 30, 360, 1320, 1),
  ('cm-2', 'chi-ma', 'Bãi chờ Chi Ma 2', 'Chi Ma waiting yard 2', '支麻候车场 2 号',
   250, 60, 20, 420, 1260, 2),
  ('cn-1', 'coc-nam', 'Bãi chờ Cốc Nam', 'Coc Nam waiting yard', '谷南候车场',
   150, 60, 40, 420, 1200, 1),
  ('dd-container', 'dong-dang-rail', 'Bãi container ga Đồng Đăng', 'Dong Dang container yard', '同登站集装箱场',
   120, 120, 20, 360, 1320, 1);
