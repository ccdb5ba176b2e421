"""The category taxonomy (12 industries, 90 sub-categories) and the tracks (赛道) built on it.

Source: the "Category taxonomy" table of DOMAIN.md (slugs, Chinese and English names as proposed
there). Loaded into `reference.Category` and `reference.Track` by `reference.loader`.

Licence choices:
- Medical aesthetics and health: every sub-category is practised by a medical institution, so all
  seven need a 医疗机构执业许可证 (DOMAIN.md names 医美/口腔; 体检, 眼科视光 and 中医理疗 are
  medical services too).
- Education: the training schools need a 办学许可证. 自习室 (a paid room, no teaching) needs
  none. 驾校 is deliberately left without a licence here: a driving school is not licensed by the
  education authorities (no 办学许可证) but registered with transport authorities under the
  道路运输条例 — add its own licence key if compliance ever checks it.
"""

MEDICAL_INSTITUTION_LICENCE = "medical_institution_licence"  # 医疗机构执业许可证
SCHOOL_LICENCE = "school_licence"  # 办学许可证

_MEDICAL = [MEDICAL_INSTITUTION_LICENCE]
_SCHOOL = [SCHOOL_LICENCE]

# (slug, name_zh, name_en, [(slug, name_zh, name_en, required_licences), ...])
INDUSTRIES = (
    (
        "dining",
        "餐饮",
        "Food & Dining",
        [
            ("hotpot", "火锅", "Hotpot", []),
            ("bbq", "烧烤烤肉", "BBQ & Grill", []),
            ("buffet", "自助餐", "Buffet", []),
            ("snack", "小吃快餐", "Snacks & Fast Food", []),
            ("chinese_regional", "地方菜", "Chinese Regional Cuisine", []),
            ("jp_kr", "日韩料理", "Japanese & Korean", []),
            ("western", "西餐", "Western", []),
            ("seafood", "海鲜小龙虾", "Seafood & Crayfish", []),
            ("bakery", "面包甜点", "Bakery & Desserts", []),
            ("coffee", "咖啡", "Coffee", []),
            ("tea_drinks", "茶饮果汁", "Tea & Juice Drinks", []),
        ],
    ),
    (
        "lodging",
        "酒店民宿",
        "Hotels & Homestays",
        [
            ("luxury", "高端酒店", "Luxury Hotels", []),
            ("upscale", "品质酒店", "Upscale & Mid-range Hotels", []),
            ("budget", "经济连锁", "Budget Chains", []),
            ("homestay", "民宿客栈", "Homestays & Inns", []),
            ("hostel", "青年旅社", "Hostels", []),
            ("resort", "度假村", "Resorts", []),
        ],
    ),
    (
        "attractions",
        "景点游玩",
        "Attractions & Outings",
        [
            ("scenic", "景区门票", "Scenic Spots", []),
            ("theme_park", "主题乐园", "Theme Parks", []),
            ("zoo", "动植物园", "Zoos & Botanical Gardens", []),
            ("exhibition", "展馆展览", "Museums & Exhibitions", []),
            ("water", "水上乐园", "Water Activities", []),
            ("hot_spring", "温泉", "Hot Springs", []),
            ("ski", "滑雪", "Skiing", []),
            ("camping", "露营", "Camping", []),
            ("sightseeing", "观光游船", "Sightseeing & Cruises", []),
        ],
    ),
    (
        "leisure",
        "休闲娱乐",
        "Leisure & Entertainment",
        [
            ("massage", "足疗按摩", "Foot Spa & Massage", []),
            ("bath", "洗浴汗蒸", "Bathhouse & Sauna", []),
            ("ktv", "KTV", "KTV", []),
            ("bar", "酒吧", "Bars", []),
            ("escape_room", "密室逃脱", "Escape Rooms", []),
            ("script_game", "剧本杀", "Murder-mystery Games", []),
            ("party_house", "轰趴馆", "Party Venues", []),
            ("cinema", "影院", "Cinemas & Private Theatres", []),
            ("billiards", "台球", "Billiards", []),
            ("arcade", "电玩游艺", "Arcades", []),
            ("tea_chess", "茶馆棋牌", "Teahouses & Mahjong Rooms", []),
            ("netcafe", "网咖", "Internet Cafés", []),
        ],
    ),
    (
        "beauty",
        "丽人",
        "Beauty",
        [
            ("hair", "美发", "Hair Salons", []),
            ("nails", "美甲美睫", "Nails & Lashes", []),
            ("spa", "美容SPA", "Beauty & Spa", []),
            ("scalp", "养发", "Scalp & Hair Care", []),
            ("slimming", "瘦身纤体", "Body Slimming", []),
            ("makeup", "化妆造型", "Makeup & Styling", []),
            ("tattoo", "纹身纹绣", "Tattoo & Brow Embroidery", []),
        ],
    ),
    (
        "medical",
        "医美健康",
        "Medical Aesthetics & Health",
        [
            ("injectables", "注射美容", "Injectables", _MEDICAL),
            ("laser_skin", "光电皮肤", "Laser & Skin Treatments", _MEDICAL),
            ("plastic_surgery", "整形外科", "Cosmetic Surgery", _MEDICAL),
            ("dental", "口腔齿科", "Dental", _MEDICAL),
            ("checkup", "体检中心", "Health Check-ups", _MEDICAL),
            ("tcm", "中医理疗", "TCM & Physiotherapy", _MEDICAL),
            ("optometry", "眼科视光", "Eye Care & Optometry", _MEDICAL),
        ],
    ),
    (
        "family",
        "亲子",
        "Family & Kids",
        [
            ("playground", "儿童乐园", "Indoor Playgrounds", []),
            ("kids_photo", "儿童摄影", "Kids & Family Photography", []),
            ("early_edu", "早教中心", "Early Education", []),
            ("baby_swim", "婴儿游泳", "Baby Swimming", []),
            ("kids_sports", "儿童运动馆", "Kids' Sports Centres", []),
            ("family_activity", "亲子活动DIY", "Parent-child Activities & DIY", []),
            ("postpartum", "月子会所", "Postpartum Care Centres", []),
        ],
    ),
    (
        "sports",
        "运动健身",
        "Sports & Fitness",
        [
            ("gym", "健身中心", "Gyms", []),
            ("yoga", "瑜伽普拉提", "Yoga & Pilates", []),
            ("dance", "舞蹈", "Dance Studios", []),
            ("swimming", "游泳馆", "Swimming Pools", []),
            ("courts", "球类场馆", "Ball Courts", []),
            ("climb_skate", "攀岩滑冰", "Climbing & Skating", []),
            ("martial", "武术搏击", "Martial Arts & Boxing", []),
        ],
    ),
    (
        "education",
        "教育培训",
        "Education & Training",
        [
            ("language", "语言培训", "Language", _SCHOOL),
            ("music", "音乐培训", "Music", _SCHOOL),
            ("art", "美术书法", "Art & Calligraphy", _SCHOOL),
            ("driving", "驾校", "Driving Schools", []),
            ("vocational", "职业技能", "Vocational Skills", _SCHOOL),
            ("study_room", "自习室", "Study Rooms", []),
        ],
    ),
    (
        "wedding",
        "结婚摄影",
        "Wedding & Photography",
        [
            ("bridal_photo", "婚纱摄影", "Bridal Photography", []),
            ("planning", "婚礼策划", "Wedding Planning", []),
            ("banquet", "婚宴", "Wedding Banquets", []),
            ("bridal_wear", "婚纱礼服", "Bridal Wear", []),
            ("travel_photo", "旅拍", "Destination Photo Shoots", []),
            ("portrait", "个性写真", "Portrait Photography", []),
        ],
    ),
    (
        "services",
        "生活服务",
        "Local Services",
        [
            ("housekeeping", "家政保洁", "Housekeeping & Cleaning", []),
            ("laundry", "洗衣洗鞋", "Laundry & Shoe Care", []),
            ("appliance_repair", "家电数码维修", "Appliance & Device Repair", []),
            ("home_repair", "居家维修开锁", "Home Repair & Locksmith", []),
            ("moving", "搬家运输", "Moving", []),
            ("pet_grooming", "宠物店美容", "Pet Shops & Grooming", []),
            ("vet", "宠物医院", "Veterinary Clinics", []),
            ("car_wash", "洗车美容", "Car Wash & Detailing", []),
            ("car_service", "汽车保养", "Car Maintenance", []),
            ("printing", "文印冲印", "Printing & Photo Prints", []),
        ],
    ),
    (
        "retail",
        "近场零售",
        "Nearby Retail",
        [
            ("convenience", "超市便利", "Supermarkets & Convenience Stores", []),
            ("flowers", "鲜花绿植", "Flowers & Plants", []),
            ("fresh", "水果生鲜", "Fruit & Fresh Produce", []),
            ("liquor_tea", "烟酒茶叶", "Liquor & Tea Shops", []),
            ("jewelry", "珠宝饰品", "Jewellery", []),
            ("eyewear", "眼镜店", "Eyewear", []),
        ],
    ),
)

# Track English names differ from the industries' where a shorter label reads better on a badge.
_TRACK_NAMES_EN = {
    "dining": "Dining",
    "lodging": "Hotels & Homestays",
    "attractions": "Attractions",
    "leisure": "Leisure & Entertainment",
    "beauty": "Beauty",
    "medical": "Medical Aesthetics & Health",
    "family": "Family & Kids",
    "sports": "Sports & Fitness",
    "education": "Education & Training",
    "wedding": "Wedding & Photography",
    "services": "Local Services",
    "retail": "Nearby Retail",
}

# One track per industry, same slug: (slug, name_zh, name_en, (sub-category slugs, ...))
TRACKS = tuple(
    (slug, name_zh, _TRACK_NAMES_EN[slug], tuple(sub[0] for sub in subcategories))
    for slug, name_zh, _name_en, subcategories in INDUSTRIES
)
