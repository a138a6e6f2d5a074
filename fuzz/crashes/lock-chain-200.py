import threading
l0 = threading.Lock()
l1 = threading.Lock()
l2 = threading.Lock()
l3 = threading.Lock()
l4 = threading.Lock()
l5 = threading.Lock()
l6 = threading.Lock()
l7 = threading.Lock()
l8 = threading.Lock()
l9 = threading.Lock()
l10 = threading.Lock()
l11 = threading.Lock()
l12 = threading.Lock()
l13 = threading.Lock()
l14 = threading.Lock()
l15 = threading.Lock()
l16 = threading.Lock()
l17 = threading.Lock()
l18 = threading.Lock()
l19 = threading.Lock()
l20 = threading.Lock()
l21 = threading.Lock()
l22 = threading.Lock()
l23 = threading.Lock()
l24 = threading.Lock()
l25 = threading.Lock()
l26 = threading.Lock()
l27 = threading.Lock()
l28 = threading.Lock()
l29 = threading.Lock()
l30 = threading.Lock()
l31 = threading.Lock()
l32 = threading.Lock()
l33 = threading.Lock()
l34 = threading.Lock()
l35 = threading.Lock()
l36 = threading.Lock()
l37 = threading.Lock()
l38 = threading.Lock()
l39 = threading.Lock()
l40 = threading.Lock()
l41 = threading.Lock()
l42 = threading.Lock()
l43 = threading.Lock()
l44 = threading.Lock()
l45 = threading.Lock()
l46 = threading.Lock()
l47 = threading.Lock()
l48 = threading.Lock()
l49 = threading.Lock()
l50 = threading.Lock()
l51 = threading.Lock()
l52 = threading.Lock()
l53 = threading.Lock()
l54 = threading.Lock()
l55 = threading.Lock()
l56 = threading.Lock()
l57 = threading.Lock()
l58 = threading.Lock()
l59 = threading.Lock()
l60 = threading.Lock()
l61 = threading.Lock()
l62 = threading.Lock()
l63 = threading.Lock()
l64 = threading.Lock()
l65 = threading.Lock()
l66 = threading.Lock()
l67 = threading.Lock()
l68 = threading.Lock()
l69 = threading.Lock()
l70 = threading.Lock()
l71 = threading.Lock()
l72 = threading.Lock()
l73 = threading.Lock()
l74 = threading.Lock()
l75 = threading.Lock()
l76 = threading.Lock()
l77 = threading.Lock()
l78 = threading.Lock()
l79 = threading.Lock()
l80 = threading.Lock()
l81 = threading.Lock()
l82 = threading.Lock()
l83 = threading.Lock()
l84 = threading.Lock()
l85 = threading.Lock()
l86 = threading.Lock()
l87 = threading.Lock()
l88 = threading.Lock()
l89 = threading.Lock()
l90 = threading.Lock()
l91 = threading.Lock()
l92 = threading.Lock()
l93 = threading.Lock()
l94 = threading.Lock()
l95 = threading.Lock()
l96 = threading.Lock()
l97 = threading.Lock()
l98 = threading.Lock()
l99 = threading.Lock()
l100 = threading.Lock()
l101 = threading.Lock()
l102 = threading.Lock()
l103 = threading.Lock()
l104 = threading.Lock()
l105 = threading.Lock()
l106 = threading.Lock()
l107 = threading.Lock()
l108 = threading.Lock()
l109 = threading.Lock()
l110 = threading.Lock()
l111 = threading.Lock()
l112 = threading.Lock()
l113 = threading.Lock()
l114 = threading.Lock()
l115 = threading.Lock()
l116 = threading.Lock()
l117 = threading.Lock()
l118 = threading.Lock()
l119 = threading.Lock()
l120 = threading.Lock()
l121 = threading.Lock()
l122 = threading.Lock()
l123 = threading.Lock()
l124 = threading.Lock()
l125 = threading.Lock()
l126 = threading.Lock()
l127 = threading.Lock()
l128 = threading.Lock()
l129 = threading.Lock()
l130 = threading.Lock()
l131 = threading.Lock()
l132 = threading.Lock()
l133 = threading.Lock()
l134 = threading.Lock()
l135 = threading.Lock()
l136 = threading.Lock()
l137 = threading.Lock()
l138 = threading.Lock()
l139 = threading.Lock()
l140 = threading.Lock()
l141 = threading.Lock()
l142 = threading.Lock()
l143 = threading.Lock()
l144 = threading.Lock()
l145 = threading.Lock()
l146 = threading.Lock()
l147 = threading.Lock()
l148 = threading.Lock()
l149 = threading.Lock()
l150 = threading.Lock()
l151 = threading.Lock()
l152 = threading.Lock()
l153 = threading.Lock()
l154 = threading.Lock()
l155 = threading.Lock()
l156 = threading.Lock()
l157 = threading.Lock()
l158 = threading.Lock()
l159 = threading.Lock()
l160 = threading.Lock()
l161 = threading.Lock()
l162 = threading.Lock()
l163 = threading.Lock()
l164 = threading.Lock()
l165 = threading.Lock()
l166 = threading.Lock()
l167 = threading.Lock()
l168 = threading.Lock()
l169 = threading.Lock()
l170 = threading.Lock()
l171 = threading.Lock()
l172 = threading.Lock()
l173 = threading.Lock()
l174 = threading.Lock()
l175 = threading.Lock()
l176 = threading.Lock()
l177 = threading.Lock()
l178 = threading.Lock()
l179 = threading.Lock()
l180 = threading.Lock()
l181 = threading.Lock()
l182 = threading.Lock()
l183 = threading.Lock()
l184 = threading.Lock()
l185 = threading.Lock()
l186 = threading.Lock()
l187 = threading.Lock()
l188 = threading.Lock()
l189 = threading.Lock()
l190 = threading.Lock()
l191 = threading.Lock()
l192 = threading.Lock()
l193 = threading.Lock()
l194 = threading.Lock()
l195 = threading.Lock()
l196 = threading.Lock()
l197 = threading.Lock()
l198 = threading.Lock()
l199 = threading.Lock()
l200 = threading.Lock()
def f0():
    with l0:
        with l1:
            f1()
def f1():
    with l1:
        with l2:
            f2()
def f2():
    with l2:
        with l3:
            f3()
def f3():
    with l3:
        with l4:
            f4()
def f4():
    with l4:
        with l5:
            f5()
def f5():
    with l5:
        with l6:
            f6()
def f6():
    with l6:
        with l7:
            f7()
def f7():
    with l7:
        with l8:
            f8()
def f8():
    with l8:
        with l9:
            f9()
def f9():
    with l9:
        with l10:
            f10()
def f10():
    with l10:
        with l11:
            f11()
def f11():
    with l11:
        with l12:
            f12()
def f12():
    with l12:
        with l13:
            f13()
def f13():
    with l13:
        with l14:
            f14()
def f14():
    with l14:
        with l15:
            f15()
def f15():
    with l15:
        with l16:
            f16()
def f16():
    with l16:
        with l17:
            f17()
def f17():
    with l17:
        with l18:
            f18()
def f18():
    with l18:
        with l19:
            f19()
def f19():
    with l19:
        with l20:
            f20()
def f20():
    with l20:
        with l21:
            f21()
def f21():
    with l21:
        with l22:
            f22()
def f22():
    with l22:
        with l23:
            f23()
def f23():
    with l23:
        with l24:
            f24()
def f24():
    with l24:
        with l25:
            f25()
def f25():
    with l25:
        with l26:
            f26()
def f26():
    with l26:
        with l27:
            f27()
def f27():
    with l27:
        with l28:
            f28()
def f28():
    with l28:
        with l29:
            f29()
def f29():
    with l29:
        with l30:
            f30()
def f30():
    with l30:
        with l31:
            f31()
def f31():
    with l31:
        with l32:
            f32()
def f32():
    with l32:
        with l33:
            f33()
def f33():
    with l33:
        with l34:
            f34()
def f34():
    with l34:
        with l35:
            f35()
def f35():
    with l35:
        with l36:
            f36()
def f36():
    with l36:
        with l37:
            f37()
def f37():
    with l37:
        with l38:
            f38()
def f38():
    with l38:
        with l39:
            f39()
def f39():
    with l39:
        with l40:
            f40()
def f40():
    with l40:
        with l41:
            f41()
def f41():
    with l41:
        with l42:
            f42()
def f42():
    with l42:
        with l43:
            f43()
def f43():
    with l43:
        with l44:
            f44()
def f44():
    with l44:
        with l45:
            f45()
def f45():
    with l45:
        with l46:
            f46()
def f46():
    with l46:
        with l47:
            f47()
def f47():
    with l47:
        with l48:
            f48()
def f48():
    with l48:
        with l49:
            f49()
def f49():
    with l49:
        with l50:
            f50()
def f50():
    with l50:
        with l51:
            f51()
def f51():
    with l51:
        with l52:
            f52()
def f52():
    with l52:
        with l53:
            f53()
def f53():
    with l53:
        with l54:
            f54()
def f54():
    with l54:
        with l55:
            f55()
def f55():
    with l55:
        with l56:
            f56()
def f56():
    with l56:
        with l57:
            f57()
def f57():
    with l57:
        with l58:
            f58()
def f58():
    with l58:
        with l59:
            f59()
def f59():
    with l59:
        with l60:
            f60()
def f60():
    with l60:
        with l61:
            f61()
def f61():
    with l61:
        with l62:
            f62()
def f62():
    with l62:
        with l63:
            f63()
def f63():
    with l63:
        with l64:
            f64()
def f64():
    with l64:
        with l65:
            f65()
def f65():
    with l65:
        with l66:
            f66()
def f66():
    with l66:
        with l67:
            f67()
def f67():
    with l67:
        with l68:
            f68()
def f68():
    with l68:
        with l69:
            f69()
def f69():
    with l69:
        with l70:
            f70()
def f70():
    with l70:
        with l71:
            f71()
def f71():
    with l71:
        with l72:
            f72()
def f72():
    with l72:
        with l73:
            f73()
def f73():
    with l73:
        with l74:
            f74()
def f74():
    with l74:
        with l75:
            f75()
def f75():
    with l75:
        with l76:
            f76()
def f76():
    with l76:
        with l77:
            f77()
def f77():
    with l77:
        with l78:
            f78()
def f78():
    with l78:
        with l79:
            f79()
def f79():
    with l79:
        with l80:
            f80()
def f80():
    with l80:
        with l81:
            f81()
def f81():
    with l81:
        with l82:
            f82()
def f82():
    with l82:
        with l83:
            f83()
def f83():
    with l83:
        with l84:
            f84()
def f84():
    with l84:
        with l85:
            f85()
def f85():
    with l85:
        with l86:
            f86()
def f86():
    with l86:
        with l87:
            f87()
def f87():
    with l87:
        with l88:
            f88()
def f88():
    with l88:
        with l89:
            f89()
def f89():
    with l89:
        with l90:
            f90()
def f90():
    with l90:
        with l91:
            f91()
def f91():
    with l91:
        with l92:
            f92()
def f92():
    with l92:
        with l93:
            f93()
def f93():
    with l93:
        with l94:
            f94()
def f94():
    with l94:
        with l95:
            f95()
def f95():
    with l95:
        with l96:
            f96()
def f96():
    with l96:
        with l97:
            f97()
def f97():
    with l97:
        with l98:
            f98()
def f98():
    with l98:
        with l99:
            f99()
def f99():
    with l99:
        with l100:
            f100()
def f100():
    with l100:
        with l101:
            f101()
def f101():
    with l101:
        with l102:
            f102()
def f102():
    with l102:
        with l103:
            f103()
def f103():
    with l103:
        with l104:
            f104()
def f104():
    with l104:
        with l105:
            f105()
def f105():
    with l105:
        with l106:
            f106()
def f106():
    with l106:
        with l107:
            f107()
def f107():
    with l107:
        with l108:
            f108()
def f108():
    with l108:
        with l109:
            f109()
def f109():
    with l109:
        with l110:
            f110()
def f110():
    with l110:
        with l111:
            f111()
def f111():
    with l111:
        with l112:
            f112()
def f112():
    with l112:
        with l113:
            f113()
def f113():
    with l113:
        with l114:
            f114()
def f114():
    with l114:
        with l115:
            f115()
def f115():
    with l115:
        with l116:
            f116()
def f116():
    with l116:
        with l117:
            f117()
def f117():
    with l117:
        with l118:
            f118()
def f118():
    with l118:
        with l119:
            f119()
def f119():
    with l119:
        with l120:
            f120()
def f120():
    with l120:
        with l121:
            f121()
def f121():
    with l121:
        with l122:
            f122()
def f122():
    with l122:
        with l123:
            f123()
def f123():
    with l123:
        with l124:
            f124()
def f124():
    with l124:
        with l125:
            f125()
def f125():
    with l125:
        with l126:
            f126()
def f126():
    with l126:
        with l127:
            f127()
def f127():
    with l127:
        with l128:
            f128()
def f128():
    with l128:
        with l129:
            f129()
def f129():
    with l129:
        with l130:
            f130()
def f130():
    with l130:
        with l131:
            f131()
def f131():
    with l131:
        with l132:
            f132()
def f132():
    with l132:
        with l133:
            f133()
def f133():
    with l133:
        with l134:
            f134()
def f134():
    with l134:
        with l135:
            f135()
def f135():
    with l135:
        with l136:
            f136()
def f136():
    with l136:
        with l137:
            f137()
def f137():
    with l137:
        with l138:
            f138()
def f138():
    with l138:
        with l139:
            f139()
def f139():
    with l139:
        with l140:
            f140()
def f140():
    with l140:
        with l141:
            f141()
def f141():
    with l141:
        with l142:
            f142()
def f142():
    with l142:
        with l143:
            f143()
def f143():
    with l143:
        with l144:
            f144()
def f144():
    with l144:
        with l145:
            f145()
def f145():
    with l145:
        with l146:
            f146()
def f146():
    with l146:
        with l147:
            f147()
def f147():
    with l147:
        with l148:
            f148()
def f148():
    with l148:
        with l149:
            f149()
def f149():
    with l149:
        with l150:
            f150()
def f150():
    with l150:
        with l151:
            f151()
def f151():
    with l151:
        with l152:
            f152()
def f152():
    with l152:
        with l153:
            f153()
def f153():
    with l153:
        with l154:
            f154()
def f154():
    with l154:
        with l155:
            f155()
def f155():
    with l155:
        with l156:
            f156()
def f156():
    with l156:
        with l157:
            f157()
def f157():
    with l157:
        with l158:
            f158()
def f158():
    with l158:
        with l159:
            f159()
def f159():
    with l159:
        with l160:
            f160()
def f160():
    with l160:
        with l161:
            f161()
def f161():
    with l161:
        with l162:
            f162()
def f162():
    with l162:
        with l163:
            f163()
def f163():
    with l163:
        with l164:
            f164()
def f164():
    with l164:
        with l165:
            f165()
def f165():
    with l165:
        with l166:
            f166()
def f166():
    with l166:
        with l167:
            f167()
def f167():
    with l167:
        with l168:
            f168()
def f168():
    with l168:
        with l169:
            f169()
def f169():
    with l169:
        with l170:
            f170()
def f170():
    with l170:
        with l171:
            f171()
def f171():
    with l171:
        with l172:
            f172()
def f172():
    with l172:
        with l173:
            f173()
def f173():
    with l173:
        with l174:
            f174()
def f174():
    with l174:
        with l175:
            f175()
def f175():
    with l175:
        with l176:
            f176()
def f176():
    with l176:
        with l177:
            f177()
def f177():
    with l177:
        with l178:
            f178()
def f178():
    with l178:
        with l179:
            f179()
def f179():
    with l179:
        with l180:
            f180()
def f180():
    with l180:
        with l181:
            f181()
def f181():
    with l181:
        with l182:
            f182()
def f182():
    with l182:
        with l183:
            f183()
def f183():
    with l183:
        with l184:
            f184()
def f184():
    with l184:
        with l185:
            f185()
def f185():
    with l185:
        with l186:
            f186()
def f186():
    with l186:
        with l187:
            f187()
def f187():
    with l187:
        with l188:
            f188()
def f188():
    with l188:
        with l189:
            f189()
def f189():
    with l189:
        with l190:
            f190()
def f190():
    with l190:
        with l191:
            f191()
def f191():
    with l191:
        with l192:
            f192()
def f192():
    with l192:
        with l193:
            f193()
def f193():
    with l193:
        with l194:
            f194()
def f194():
    with l194:
        with l195:
            f195()
def f195():
    with l195:
        with l196:
            f196()
def f196():
    with l196:
        with l197:
            f197()
def f197():
    with l197:
        with l198:
            f198()
def f198():
    with l198:
        with l199:
            f199()
def f199():
    with l199:
        with l200:
            f200()
def back():
    with l200:
        with l0:
            pass
